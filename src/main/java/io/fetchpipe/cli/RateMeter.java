package io.fetchpipe.cli;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The current rate of a growing count: how much it grew over the last {@code window}, per second,
 * from samples taken as the progress bar refreshes. A stall shows as a falling rate, which an
 * average since the start would hide. Not thread-safe: one refreshing thread samples it.
 */
final class RateMeter {
  private record Sample(long nanos, long count) {}

  private final long windowNanos;
  private final long minSpanNanos;
  private final ArrayDeque<Sample> samples = new ArrayDeque<>();

  /**
   * @param windowNanos how far back the rate looks
   * @param minSpanNanos the shortest span worth a rate (before it, the rate is unknown)
   */
  RateMeter(long windowNanos, long minSpanNanos) {
    if (windowNanos <= 0 || minSpanNanos <= 0 || minSpanNanos > windowNanos) {
      throw new IllegalArgumentException(
          "need 0 < minSpan <= window, got " + minSpanNanos + " and " + windowNanos);
    }
    this.windowNanos = windowNanos;
    this.minSpanNanos = minSpanNanos;
  }

  /**
   * Records that the count was {@code count} at {@code nanos} (System.nanoTime's scale, not going
   * back).
   */
  void record(long nanos, long count) {
    samples.addLast(new Sample(nanos, count));
    // Keep the newest sample at or before the window's start, so the rate spans the whole window.
    while (samples.size() > 2) {
      Iterator<Sample> oldest = samples.iterator();
      oldest.next();
      if (nanos - oldest.next().nanos() < windowNanos) {
        break;
      }
      samples.removeFirst();
    }
  }

  /** Growth per second over the window, or NaN while the samples span less than the minimum. */
  double perSecond() {
    if (samples.size() < 2) {
      return Double.NaN;
    }
    Sample first = samples.getFirst();
    Sample last = samples.getLast();
    long span = last.nanos() - first.nanos();
    if (span < minSpanNanos) {
      return Double.NaN;
    }
    return (last.count() - first.count()) * 1e9 / span;
  }
}
