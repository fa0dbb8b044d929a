package io.fetchpipe.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Semaphore and the rate limit: how many tasks run at once, and how fast they start. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ThrottlingTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Duration QUIET = Duration.ofMillis(200);

  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder()
      .withCustomConfig(ManualTime.config().withFallback(ActorTestKit.applicationTestConfig()))
      .build();

  private ManualTime manualTime;

  @BeforeAll
  void setUp() {
    manualTime = ManualTime.get(testKit.system());
  }

  private PoolSettings settings() {
    return PoolSettings.create(testKit.system());
  }

  @Test
  void routerNeverExceedsMaxConcurrency() throws Exception {
    TestProbe<Object> events = testKit.createTestProbe();
    TaskRecorder recorder = new TaskRecorder(events);
    try (TaskPool pool = TaskPool.create(testKit.system(), settings().withMaxConcurrency(5))) {
      CompletableFuture<List<Outcome<String>>> result = pool.gather(recorder.tasks(20)).toCompletableFuture();

      Set<Integer> started = new HashSet<>();
      for (int i = 0; i < 5; i++) {
        started.add(recorder.expectStart(WAIT));
      }
      events.expectNoMessage(QUIET);
      assertEquals(5, started.size());

      // Each completion frees exactly one slot: one more task starts, never two.
      for (int done = 0; done < 15; done++) {
        int finished = started.stream().min(Integer::compare).orElseThrow();
        started.remove(finished);
        recorder.complete(finished);
        started.add(recorder.expectStart(WAIT));
        events.expectNoMessage(Duration.ofMillis(20));
      }
      started.forEach(recorder::complete);

      List<Outcome<String>> outcomes = result.get(5, TimeUnit.SECONDS);
      assertEquals(20, outcomes.size());
      assertTrue(outcomes.stream().allMatch(Outcome::isSuccess));
      assertEquals(5, recorder.maxInFlight(), "in flight must reach the cap and never pass it");
    }
  }

  @Test
  void oneCapIsSharedByEveryGatherOfAPool() throws Exception {
    TestProbe<Object> events = testKit.createTestProbe();
    TaskRecorder recorder = new TaskRecorder(events);
    try (TaskPool pool = TaskPool.create(testKit.system(), settings().withMaxConcurrency(3))) {
      List<Task<String>> tasks = recorder.tasks(6);
      CompletableFuture<List<Outcome<String>>> first = pool.gather(tasks.subList(0, 3)).toCompletableFuture();
      CompletableFuture<List<Outcome<String>>> second = pool.gather(tasks.subList(3, 6)).toCompletableFuture();
      for (int i = 0; i < 3; i++) {
        recorder.expectStart(WAIT);
      }
      events.expectNoMessage(QUIET);
      // Indexes are per gather, so free every running slot by index 0..2 of whichever gather runs.
      assertEquals(3, recorder.maxInFlight());
      for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 3; i++) {
          recorder.complete(i);
        }
        if (round == 0) {
          for (int i = 0; i < 3; i++) {
            recorder.expectStart(WAIT);
          }
        }
      }
      assertEquals(3, first.get(5, TimeUnit.SECONDS).size());
      assertEquals(3, second.get(5, TimeUnit.SECONDS).size());
      assertEquals(3, recorder.maxInFlight());
    }
  }

  @Test
  void rateLimitSpacesStartsEvenly() throws Exception {
    TestProbe<Object> events = testKit.createTestProbe();
    TaskRecorder recorder = new TaskRecorder(events);
    RateLimit twoPerSecond = RateLimit.of(2, Duration.ofSeconds(1));
    try (TaskPool pool = TaskPool.create(testKit.system(), settings().withMaxConcurrency(100).withRate(twoPerSecond))) {
      CompletableFuture<List<Outcome<String>>> result = pool.gather(recorder.tasks(6)).toCompletableFuture();

      recorder.expectStart(WAIT);
      events.expectNoMessage(QUIET);
      for (int i = 1; i < 6; i++) {
        manualTime.timePasses(Duration.ofMillis(499));
        events.expectNoMessage(Duration.ofMillis(50));
        manualTime.timePasses(Duration.ofMillis(1));
        assertEquals(i, recorder.expectStart(WAIT), "one start per 500 ms, in input order");
        events.expectNoMessage(Duration.ofMillis(50));
      }
      for (int i = 0; i < 6; i++) {
        recorder.complete(i);
      }
      assertEquals(6, result.get(5, TimeUnit.SECONDS).size());
    }
  }

  @Test
  void rateLimitAllowsTheConfiguredBurstThenTheRate() throws Exception {
    TestProbe<Object> events = testKit.createTestProbe();
    TaskRecorder recorder = new TaskRecorder(events);
    RateLimit burstOfThree = RateLimit.of(1, Duration.ofSeconds(1)).withBurst(3);
    try (TaskPool pool = TaskPool.create(testKit.system(), settings().withMaxConcurrency(100).withRate(burstOfThree))) {
      CompletableFuture<List<Outcome<String>>> result = pool.gather(recorder.tasks(5)).toCompletableFuture();
      for (int i = 0; i < 3; i++) {
        recorder.expectStart(WAIT);
      }
      events.expectNoMessage(QUIET);
      for (int i = 3; i < 5; i++) {
        manualTime.timePasses(Duration.ofMillis(999));
        events.expectNoMessage(Duration.ofMillis(50));
        manualTime.timePasses(Duration.ofMillis(1));
        assertEquals(i, recorder.expectStart(WAIT));
      }
      for (int i = 0; i < 5; i++) {
        recorder.complete(i);
      }
      assertEquals(5, result.get(5, TimeUnit.SECONDS).size());
    }
  }
}
