package io.fetchpipe.queue;

/**
 * One produced item and its 0-based position in the input.
 *
 * @param index position in the input
 * @param value the item
 * @param <T> the item type
 */
public record Item<T>(int index, T value) {}
