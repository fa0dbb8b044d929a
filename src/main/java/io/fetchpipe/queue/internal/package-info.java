/**
 * The actors of a producer/consumer pipeline run: its supervisor, the producer holding the queue,
 * and the consumers. Not public API.
 */
@InternalApi
package io.fetchpipe.queue.internal;

import io.fetchpipe.InternalApi;
