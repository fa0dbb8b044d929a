/**
 * asyncio.Queue's producer/consumer pipeline as actors over bounded mailboxes: consumers pull work,
 * so the producer is backpressured like {@code await queue.put} and nothing is lost.
 */
package io.fetchpipe.queue;
