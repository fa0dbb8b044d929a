/**
 * Actors behind {@link io.fetchpipe.core.TaskPool}: the throttling router, its workers and the
 * per-gather supervisor. Not public API; their protocols may change between releases.
 */
package io.fetchpipe.core.internal;
