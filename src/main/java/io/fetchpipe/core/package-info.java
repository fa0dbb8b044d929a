/**
 * The concurrency core: tasks and jobs, result-or-error outcomes, and the pools ({@link
 * io.fetchpipe.core.JobPool}, {@link io.fetchpipe.core.TaskPool}) offering start, gather,
 * gatherOrFail, asCompleted and flow over a throttling router of worker actors.
 */
package io.fetchpipe.core;
