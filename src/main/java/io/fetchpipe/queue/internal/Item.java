package io.fetchpipe.queue.internal;

import io.fetchpipe.InternalApi;

/**
 * One produced item and its 0-based position in the input.
 *
 * @param index position in the input
 * @param value the item
 * @param <T> the item type
 */
@InternalApi
public record Item<T>(int index, T value) {}
