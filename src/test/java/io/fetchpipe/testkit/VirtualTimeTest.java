package io.fetchpipe.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.core.RateLimit;
import io.fetchpipe.core.Task;
import io.fetchpipe.core.TaskPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The virtual-time helper's stepping and its bounded waits. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VirtualTimeTest {
  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(VirtualTime.config()).build();

  @Test
  void advanceUntilStepsThroughARateLimitedGather() throws Exception {
    VirtualTime time = VirtualTime.of(testKit.system());
    PoolSettings onePerSecond = PoolSettings.create(testKit.system()).withRate(RateLimit.of(1, Duration.ofSeconds(1)));
    try (TaskPool pool = TaskPool.create(testKit.system(), onePerSecond)) {
      List<Duration> starts = Collections.synchronizedList(new ArrayList<>());
      Task<Duration> recordStart = Task.of(() -> {
        starts.add(time.now());
        return CompletableFuture.completedFuture(time.now());
      });
      CompletableFuture<List<Outcome<Duration>>> results =
          pool.gather(recordStart, recordStart, recordStart).toCompletableFuture();
      time.await("started the first task", () -> starts.size() == 1);

      // The router schedules each next token in reaction to the previous start: no single
      // timer to wait for, so step until the gather is done.
      Duration took = time.advanceUntil(results::isDone, Duration.ofSeconds(10));

      assertEquals(3, results.get(5, TimeUnit.SECONDS).size());
      assertEquals(3, starts.size());
      for (int i = 1; i < starts.size(); i++) {
        assertTrue(starts.get(i).minus(starts.get(i - 1)).compareTo(Duration.ofSeconds(1)) >= 0,
            "starts one virtual second apart at least: " + starts);
      }
      assertTrue(took.compareTo(Duration.ofSeconds(2)) >= 0, "took " + took);
    }
  }

  @Test
  void advanceUntilFailsOnceTheLimitHasPassed() {
    VirtualTime time = VirtualTime.of(testKit.system()).withStep(Duration.ofMillis(500)).withSettle(Duration.ofMillis(10));
    Duration start = time.now();
    AssertionError error = assertThrows(AssertionError.class, () -> time.advanceUntil(() -> false, Duration.ofSeconds(1)));
    assertTrue(error.getMessage().contains("after PT1S"), error.getMessage());
    assertEquals(Duration.ofSeconds(1), time.now().minus(start), "no further than the limit");
  }

  @Test
  void advanceWaitsForReadinessAndFailsWithoutIt() {
    VirtualTime time = VirtualTime.of(testKit.system()).withPatience(Duration.ofMillis(50));
    Duration start = time.now();
    assertThrows(AssertionError.class, () -> time.advance(Duration.ofSeconds(1), () -> false));
    assertEquals(start, time.now(), "no step is taken before the system is ready");
  }

  @Test
  void aSystemWithoutManualTimeIsRefused() {
    ActorTestKit plain = ActorTestKit.create();
    try {
      assertThrows(IllegalArgumentException.class, () -> VirtualTime.of(plain.system()));
    } finally {
      plain.shutdownTestKit();
    }
  }
}
