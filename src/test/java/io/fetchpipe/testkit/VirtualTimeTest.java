package io.fetchpipe.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.core.Delay;
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
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The virtual-time helper's jumps from timer to timer, its waits for quiet and its bounded waits.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VirtualTimeTest {
  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(VirtualTime.config()).build();

  @Test
  void advanceUntilStepsThroughARateLimitedGather() throws Exception {
    VirtualTime time = VirtualTime.of(testKit.system());
    PoolSettings onePerSecond =
        PoolSettings.create(testKit.system()).withRate(RateLimit.of(1, Duration.ofSeconds(1)));
    try (TaskPool pool = TaskPool.create(testKit.system(), onePerSecond)) {
      List<Duration> starts = Collections.synchronizedList(new ArrayList<>());
      Task<Duration> recordStart =
          Task.of(
              () -> {
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
      Duration first = starts.get(0);
      assertEquals(
          List.of(first, first.plusSeconds(1), first.plusSeconds(2)),
          starts,
          "each token exactly one second after the start it followed");
      assertEquals(Duration.ofSeconds(2), took);
    }
  }

  @Test
  void aTimerScheduledByAnActorInReactionToATimerCountsFromItsExactInstant() {
    VirtualTime time = VirtualTime.of(testKit.system());
    TestProbe<Duration> firedAt = testKit.createTestProbe();
    // Each tick schedules the next from inside the actor, 700 ms later: three of them end at 2.1 s.
    ActorRef<String> ticker =
        testKit.spawn(
            Behaviors.withTimers(
                timers ->
                    Behaviors.receiveMessage(
                        tick -> {
                          firedAt.ref().tell(time.now());
                          timers.startSingleTimer(tick, Duration.ofMillis(700));
                          return Behaviors.same();
                        })));
    Duration start = time.now();
    ticker.tell("tick");
    firedAt.expectMessage(start);

    time.advance(Duration.ofMillis(2100));

    assertEquals(
        List.of(start.plusMillis(700), start.plusMillis(1400), start.plusMillis(2100)),
        firedAt.receiveSeveralMessages(3));
    assertEquals(start.plusMillis(2100), time.now());
    testKit.stop(ticker);
  }

  @Test
  void advanceReturnsOnceWhatTheTimersSetOffHasHappened() {
    VirtualTime time = VirtualTime.of(testKit.system());
    List<Integer> handled = Collections.synchronizedList(new ArrayList<>());
    ActorRef<Integer> slowCounter =
        testKit.spawn(
            Behaviors.receiveMessage(
                n -> {
                  busyFor(Duration.ofMillis(20)); // work on the dispatcher that takes real time
                  handled.add(n);
                  return Behaviors.same();
                }));
    for (int n = 0; n < 5; n++) {
      int message = n;
      testKit
          .system()
          .scheduler()
          .scheduleOnce(
              Duration.ofSeconds(1),
              () -> slowCounter.tell(message),
              testKit.system().executionContext());
    }

    time.advance(Duration.ofSeconds(1));

    assertEquals(List.of(0, 1, 2, 3, 4), handled, "every message handled when advance returns");
    testKit.stop(slowCounter);
  }

  @Test
  void awaitQuietWaitsForTheDispatchersWithoutMovingTime() {
    VirtualTime time = VirtualTime.of(testKit.system());
    List<Integer> handled = Collections.synchronizedList(new ArrayList<>());
    ActorRef<Integer> slowCounter =
        testKit.spawn(
            Behaviors.receiveMessage(
                n -> {
                  busyFor(Duration.ofMillis(20));
                  handled.add(n);
                  return Behaviors.same();
                }));
    Duration start = time.now();
    for (int n = 0; n < 3; n++) {
      slowCounter.tell(n);
    }

    time.awaitQuiet();

    assertEquals(List.of(0, 1, 2), handled);
    assertEquals(start, time.now());
    testKit.stop(slowCounter);
  }

  @Test
  void aStepCapsEachJump() {
    VirtualTime time = VirtualTime.of(testKit.system()).withStep(Duration.ofMillis(300));
    List<Duration> readyAt = new ArrayList<>();
    Duration start = time.now();

    time.advance(Duration.ofSeconds(1), () -> readyAt.add(time.now().minus(start)));

    assertEquals(
        List.of(
            Duration.ZERO, Duration.ofMillis(300), Duration.ofMillis(600), Duration.ofMillis(900)),
        readyAt,
        "readiness asked before each jump of at most the step");
    assertEquals(start.plusSeconds(1), time.now());
  }

  @Test
  void pekkosManualTimeMovesTheSameClock() {
    VirtualTime time = VirtualTime.of(testKit.system());
    Duration start = time.now();
    CompletableFuture<Duration> answer =
        Delay.after(testKit.system(), Duration.ofSeconds(2), time::now).toCompletableFuture();

    ManualTime.get(testKit.system()).timePasses(Duration.ofSeconds(2));

    assertEquals(start.plusSeconds(2), answer.getNow(null));
    assertEquals(start.plusSeconds(2), time.now());
  }

  @Test
  void advanceUntilFailsOnceTheLimitHasPassed() {
    VirtualTime time =
        VirtualTime.of(testKit.system())
            .withStep(Duration.ofMillis(500))
            .withSettle(Duration.ofMillis(10));
    Duration start = time.now();
    AssertionError error =
        assertThrows(
            AssertionError.class, () -> time.advanceUntil(() -> false, Duration.ofSeconds(1)));
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
  void aSystemWithoutVirtualTimeIsRefused() {
    ActorTestKit plain = ActorTestKit.create();
    ActorTestKit manual =
        ActorTestKit.create(ManualTime.config().withFallback(ActorTestKit.applicationTestConfig()));
    try {
      assertThrows(IllegalArgumentException.class, () -> VirtualTime.of(plain.system()));
      IllegalArgumentException refused =
          assertThrows(IllegalArgumentException.class, () -> VirtualTime.of(manual.system()));
      assertTrue(refused.getMessage().contains("VirtualTime.config()"), refused.getMessage());
    } finally {
      plain.shutdownTestKit();
      manual.shutdownTestKit();
    }
  }

  /** Keeps the calling thread (an actor's) busy for about {@code duration}, as real work would. */
  private static void busyFor(Duration duration) {
    long end = System.nanoTime() + duration.toNanos();
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }
}
