/**
 * The concurrency core: tasks, result-or-error outcomes, and the {@link io.fetchpipe.core.TaskPool}
 * facade offering gather, gatherOrFail and asCompleted over a throttling router of worker actors.
 */
package io.fetchpipe.core;
