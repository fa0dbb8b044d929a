package io.fetchpipe.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.core.RateLimit;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The AIMD arithmetic of adaptive limits, on its own: no actors, no clock, ticks by hand. */
class AdaptiveLimitsTest {
  private static final Duration TICK = Duration.ofMillis(10);

  private static AdaptiveLimits limits(int concurrency, RateLimit rate) {
    return new AdaptiveLimits(concurrency, rate, 3, 100, TICK);
  }

  private static void start(AdaptiveLimits limits, String key, int times) {
    for (int i = 0; i < times; i++) {
      limits.started(key);
    }
  }

  private static void succeed(AdaptiveLimits limits, String key, int times) {
    for (int i = 0; i < times; i++) {
      limits.ended(key, false, 0);
    }
  }

  private static double perSecond(Duration spacing) {
    return 1e9 / spacing.toNanos();
  }

  @Test
  void aKeyNeverToldToSlowDownHasTheCeilings() {
    AdaptiveLimits limits = limits(32, RateLimit.unlimited());
    start(limits, "a", 10);
    succeed(limits, "a", 10);

    assertEquals(32, limits.limit("a"));
    assertEquals(Duration.ZERO, limits.spacing("a"));
    assertEquals(32, limits.limit("never-seen"));
  }

  @Test
  void congestionHalvesWhatWasInFlightAndTheRateTheKeyReallyHad() {
    AdaptiveLimits limits = limits(32, RateLimit.unlimited());
    start(limits, "a", 12); // 12 starts within the last second, 8 of them in flight

    assertTrue(limits.ended("a", true, 7));

    assertEquals(4, limits.limit("a"), "half of the 8 in flight, not of the ceiling");
    assertEquals(6.0, perSecond(limits.spacing("a")), 0.01, "half of its 12 starts a second");
    assertEquals(32, limits.limit("b"), "other keys keep theirs");
  }

  @Test
  void oneBurstOfCongestionHalvesOnce() {
    AdaptiveLimits limits = limits(32, RateLimit.unlimited());
    start(limits, "a", 16);

    assertTrue(limits.ended("a", true, 15));
    for (int stillRunning = 14; stillRunning >= 0; stillRunning--) {
      assertFalse(limits.ended("a", true, stillRunning), "a request started before the fall");
    }
    assertEquals(8, limits.limit("a"));
    assertEquals(8.0, perSecond(limits.spacing("a")), 0.01);

    start(limits, "a", 8);
    assertTrue(limits.ended("a", true, 7), "a request started after the fall halves again");
    assertEquals(4, limits.limit("a"));
  }

  @Test
  void limitsHalveDownToOneInFlightAndOneStartPerSecond() {
    AdaptiveLimits limits = limits(8, RateLimit.unlimited());
    for (int i = 0; i < 10; i++) {
      limits.started("a");
      limits.ended("a", true, 0);
      for (int t = 0; t < AdaptiveLimits.TICKS_PER_SECOND; t++) {
        limits.tick();
      }
    }

    assertEquals(1, limits.limit("a"));
    assertEquals(Duration.ofSeconds(1), limits.spacing("a"));
  }

  @Test
  void eachRunOfSuccessesGrowsBothByOneStepUpToTheConfiguredCeilings() {
    AdaptiveLimits limits = limits(4, RateLimit.parse("5/s"));
    start(limits, "a", 4);
    limits.ended("a", true, 3); // in flight 4 -> 2; 4 starts a second -> 2
    succeed(limits, "a", 3); // the requests started before the fall: no growth
    assertEquals(2, limits.limit("a"));
    assertEquals(2.0, perSecond(limits.spacing("a")), 0.01);

    succeed(limits, "a", 2);
    assertEquals(2, limits.limit("a"), "a run is 3 successes");
    succeed(limits, "a", 1);
    assertEquals(3, limits.limit("a"));
    assertEquals(3.0, perSecond(limits.spacing("a")), 0.01);

    succeed(limits, "a", 6);
    assertEquals(4, limits.limit("a"), "the ceiling");
    assertEquals(
        Duration.ZERO, limits.spacing("a"), "back at the configured 5/s: its own rate is dropped");
    succeed(limits, "a", 30);
    assertEquals(4, limits.limit("a"));
  }

  @Test
  void congestionInTheMiddleOfARunStartsTheRunAgain() {
    AdaptiveLimits limits = limits(8, RateLimit.unlimited());
    start(limits, "a", 2);
    limits.ended("a", true, 1); // 2 in flight -> 1
    succeed(limits, "a", 1); // the other one, started before the fall
    succeed(limits, "a", 2);
    limits.ended("a", true, 0); // at the floor already; the run of two is lost

    succeed(limits, "a", 2);
    assertEquals(1, limits.limit("a"), "two successes since the congestion");
    succeed(limits, "a", 1);
    assertEquals(2, limits.limit("a"), "a whole run of three");
  }

  @Test
  void withoutAConfiguredRateAKeysOwnRateIsDroppedOnceTimersCannotSpaceIt() {
    AdaptiveLimits limits =
        new AdaptiveLimits(8, RateLimit.unlimited(), 1, 100, Duration.ofMillis(250));
    start(limits, "a", 4);
    limits.ended("a", true, 0); // 4 starts a second -> 2

    succeed(limits, "a", 1);
    assertEquals(3.0, perSecond(limits.spacing("a")), 0.01);
    succeed(limits, "a", 1);
    assertEquals(
        Duration.ZERO, limits.spacing("a"), "4 a second is the most 250 ms timers keep apart");
  }

  @Test
  void theRateIsHalvedFromTheStartsOfTheLastSecondOnly() {
    AdaptiveLimits limits = limits(32, RateLimit.unlimited());
    start(limits, "a", 30);
    for (int t = 0; t < AdaptiveLimits.TICKS_PER_SECOND; t++) {
      limits.tick();
    }
    start(limits, "a", 6);

    limits.ended("a", true, 0);

    assertEquals(
        3.0, perSecond(limits.spacing("a")), 0.01, "the 30 starts of a second ago are forgotten");
  }

  @Test
  void theLeastRecentlyUsedKeysAreForgottenPastTheLimit() {
    AdaptiveLimits limits = new AdaptiveLimits(8, RateLimit.unlimited(), 3, 2, TICK);
    limits.started("a");
    limits.ended("a", true, 0);
    limits.started("b");
    limits.started("c");

    assertEquals(8, limits.limit("a"), "forgotten: back at the ceiling");
  }
}
