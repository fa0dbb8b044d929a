package io.fetchpipe.cli;

import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.IntCountsHistogram;

/**
 * Latencies of output lines in bounded memory, whatever their number: an HdrHistogram in tenths of
 * a millisecond (the resolution of {@code elapsed_ms}) with two significant digits, so a percentile
 * is at most 1/128 (under 1 %) above the true value; it grows only with the largest latency seen
 * (about 4 KiB for values up to 10 s), never with the count. Minimum, maximum and mean are exact.
 * Not thread-safe: its owner synchronizes.
 */
final class Latencies {
  private final AbstractHistogram histogram;
  private long min = Long.MAX_VALUE;
  private long max;
  private long sum;

  private Latencies(AbstractHistogram histogram) {
    this.histogram = histogram;
  }

  /** For a whole run: counts of any size. */
  static Latencies ofRun() {
    return new Latencies(new Histogram(2));
  }

  /** For one host of many: half the memory, counts up to 2^31 per bucket. */
  static Latencies ofHost() {
    return new Latencies(new IntCountsHistogram(2));
  }

  /** Records one line's {@code elapsed_ms}. */
  void record(double millis) {
    long tenths = Math.max(0, Math.round(millis * 10));
    histogram.recordValue(tenths);
    min = Math.min(min, tenths);
    max = Math.max(max, tenths);
    sum += tenths;
  }

  long count() {
    return histogram.getTotalCount();
  }

  double min() {
    return count() == 0 ? 0 : min / 10.0;
  }

  double max() {
    return max / 10.0;
  }

  double mean() {
    return count() == 0 ? 0 : sum / 10.0 / count();
  }

  /** The latency at {@code percentile} (0-100), within the recorded minimum and maximum. */
  double percentile(double percentile) {
    if (count() == 0) {
      return 0;
    }
    long value = histogram.getValueAtPercentile(percentile);
    return Math.min(max, Math.max(min, value)) / 10.0;
  }

  /**
   * Receives the histogram's buckets: a latency within the bucket and how many lines fell in it.
   */
  @FunctionalInterface
  interface BucketConsumer {
    void accept(double millis, long count);
  }

  /**
   * Each non-empty bucket once, lowest first, with its median latency (clamped to the recorded
   * range).
   */
  void forEachBucket(BucketConsumer consumer) {
    for (HistogramIterationValue bucket : histogram.recordedValues()) {
      long median = histogram.medianEquivalentValue(bucket.getValueIteratedTo());
      consumer.accept(
          Math.min(max, Math.max(min, median)) / 10.0, bucket.getCountAddedInThisIterationStep());
    }
  }
}
