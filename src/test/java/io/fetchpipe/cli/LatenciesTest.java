package io.fetchpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The latency histogram behind --stats: percentiles within 1 % of the exact ones, in bounded
 * memory.
 */
class LatenciesTest {

  @Test
  void percentilesOfAMillionLatenciesAreWithinOnePercentOfTheExactOnes() {
    Random random = new Random(42);
    int count = 1_000_000;
    double[] values = new double[count];
    Latencies latencies = Latencies.ofRun();
    for (int i = 0; i < count; i++) {
      // Log-normal around 50 ms, with a long tail up to minutes, at the lines' 0.1 ms resolution.
      values[i] = Math.round(Math.exp(Math.log(50) + 1.5 * random.nextGaussian()) * 10) / 10.0;
      latencies.record(values[i]);
    }
    Arrays.sort(values);
    for (double percentile : new double[] {1, 10, 50, 90, 95, 99, 99.9}) {
      double exact = values[(int) Math.ceil(percentile / 100 * count) - 1];
      double reported = latencies.percentile(percentile);
      assertTrue(
          Math.abs(reported - exact) <= exact * 0.01 + 0.1,
          "p" + percentile + ": " + reported + " vs " + exact);
    }
    assertEquals(values[0], latencies.min());
    assertEquals(values[count - 1], latencies.max());
    assertEquals(count, latencies.count());
  }

  @Test
  void aPercentileNeverLiesOutsideTheRecordedRange() {
    Latencies latencies = Latencies.ofHost();
    latencies.record(1234.5);
    latencies.record(1234.5);
    assertEquals(1234.5, latencies.percentile(50));
    assertEquals(1234.5, latencies.percentile(99));
    assertEquals(1234.5, latencies.min());
  }

  @Test
  void bucketsAddUpToTheCount() {
    Latencies latencies = Latencies.ofRun();
    for (int i = 0; i < 10_000; i++) {
      latencies.record(i * 0.7);
    }
    long[] total = {0};
    latencies.forEachBucket((millis, count) -> total[0] += count);
    assertEquals(10_000, total[0]);
  }
}
