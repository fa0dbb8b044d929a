package io.fetchpipe.core.internal;

/**
 * One unit of work on its way through the router: the request and its position in its gather.
 *
 * @param <Q> the request type
 */
public record Job<Q>(Batch batch, int index, Q request) {}
