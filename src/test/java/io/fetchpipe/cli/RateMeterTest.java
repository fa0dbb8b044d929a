package io.fetchpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The progress bar's current rate, on explicit timestamps (no clock). */
class RateMeterTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long WINDOW = 5_000 * MS;

  private final RateMeter meter = new RateMeter(WINDOW, 500 * MS);

  @Test
  void unknownUntilTheSamplesSpanTheMinimum() {
    assertTrue(Double.isNaN(meter.perSecond()));
    meter.record(0, 0);
    meter.record(200 * MS, 10);
    assertTrue(Double.isNaN(meter.perSecond()));
    meter.record(500 * MS, 25);
    assertEquals(50.0, meter.perSecond(), 1e-9);
  }

  @Test
  void theRateIsTheLastWindowsNotTheAverageSinceTheStart() {
    long count = 0;
    int tick = 0;
    for (; tick < 50; tick++) { // 10 s at 100/s
      meter.record(tick * 200 * MS, count);
      count += 20;
    }
    assertEquals(100.0, meter.perSecond(), 1e-9);
    for (; tick < 100; tick++) { // then 10 s at 10/s
      meter.record(tick * 200 * MS, count);
      count += 2;
    }
    assertEquals(10.0, meter.perSecond(), 1e-9);
  }

  @Test
  void aStallFallsToZeroOnceTheWindowHasPassed() {
    meter.record(0, 0);
    meter.record(1_000 * MS, 100);
    for (int tick = 1; tick <= 30; tick++) {
      meter.record(1_000 * MS + tick * 200 * MS, 100);
    }
    assertEquals(0.0, meter.perSecond(), 1e-9);
  }

  @Test
  void aWindowShorterThanItsMinimumIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new RateMeter(100, 200));
    assertThrows(IllegalArgumentException.class, () -> new RateMeter(0, 0));
  }
}
