package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.Outcome;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;

/**
 * Offers outcomes, as they complete, to a stream's queue. The queue is sized to the number of
 * items, so an offer is never dropped; a closed queue means the stream was cancelled downstream,
 * and the rest of the gather is cancelled.
 */
@InternalApi
public final class StreamSink implements OutcomeSink {
  private final BoundedSourceQueue<Object> queue;
  private volatile boolean closed;

  /** A sink offering to {@code queue}. */
  @SuppressWarnings("unchecked")
  public StreamSink(BoundedSourceQueue<?> queue) {
    this.queue = (BoundedSourceQueue<Object>) queue;
  }

  @Override
  public boolean accept(Outcome<?> outcome) {
    QueueOfferResult result = queue.offer(outcome);
    if (result == QueueOfferResult.enqueued()) {
      return true;
    }
    closed = true;
    if (result == QueueOfferResult.dropped()) {
      // Cannot happen with a queue as large as the input; failing loudly beats losing an item.
      queue.fail(new IllegalStateException("outcome of item " + outcome.index() + " was dropped"));
    }
    return false;
  }

  @Override
  public String stopReason() {
    return "cancelled: the stream was cancelled downstream";
  }

  /** Completes the stream, unless it is over already (cancelled downstream, or failed). */
  @Override
  public void complete() {
    if (closed) {
      return;
    }
    try {
      queue.complete();
    } catch (IllegalStateException overMeanwhile) {
      // Cancelled downstream since the last offer: nothing is left to tell it.
    }
  }
}
