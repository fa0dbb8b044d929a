package io.fetchpipe.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Semaphore and the rate limit: how many tasks run at once, and how fast they start. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ThrottlingTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Duration QUIET = Duration.ofMillis(200);
  private static final RateLimit TEN_PER_SECOND = RateLimit.of(10, Duration.ofSeconds(1));

  /**
   * A dispatcher with one thread and one FIFO queue, for the pools whose refill ticks come late:
   * the test holds the thread while virtual time passes, and knows the pool is idle once two rounds
   * of its own work have gone through the queue (an actor handles all its mail in one turn).
   */
  private static final String POOL_THREAD = "throttling-test.pool-thread";

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withCustomConfig(
              ConfigFactory.parseString(
                      POOL_THREAD
                          + " { type = Dispatcher, executor = thread-pool-executor,"
                          + " thread-pool-executor.fixed-pool-size = 1, throughput = 10000 }")
                  .withFallback(ManualTime.config())
                  .withFallback(ActorTestKit.applicationTestConfig()))
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
      CompletableFuture<List<Outcome<String>>> result =
          pool.gather(recorder.tasks(20)).toCompletableFuture();

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
      CompletableFuture<List<Outcome<String>>> first =
          pool.gather(tasks.subList(0, 3)).toCompletableFuture();
      CompletableFuture<List<Outcome<String>>> second =
          pool.gather(tasks.subList(3, 6)).toCompletableFuture();
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
    try (TaskPool pool =
        TaskPool.create(
            testKit.system(), settings().withMaxConcurrency(100).withRate(twoPerSecond))) {
      CompletableFuture<List<Outcome<String>>> result =
          pool.gather(recorder.tasks(6)).toCompletableFuture();

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
    try (TaskPool pool =
        TaskPool.create(
            testKit.system(), settings().withMaxConcurrency(100).withRate(burstOfThree))) {
      CompletableFuture<List<Outcome<String>>> result =
          pool.gather(recorder.tasks(5)).toCompletableFuture();
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

  @ParameterizedTest(name = "burst {0}")
  @ValueSource(ints = {1, 3})
  void refillTicksThatComeLateStartNoMoreThanTheBurstAtOnce(int burst) throws Exception {
    TestProbe<Object> events = testKit.createTestProbe();
    TaskRecorder recorder = new TaskRecorder(events);
    try (TaskPool pool =
        TaskPool.create(testKit.system(), lateTickSettings(TEN_PER_SECOND.withBurst(burst)))) {
      pool.gather(recorder.tasks(20));
      events.receiveSeveralMessages(burst, WAIT);
      awaitThePoolIdle();
      assertEquals(burst, recorder.starts(), "a full bucket starts the burst at once, and no more");

      // Five seconds in one step: the ticks of fifty refills fall due before the router sees one.
      timePassesWhileThePoolIsBusy(Duration.ofSeconds(5));
      awaitThePoolIdle();
      int atOnce = recorder.starts() - burst;
      assertTrue(
          atOnce >= 1 && atOnce <= burst,
          "after a 5 s pause, "
              + atOnce
              + " of the 20 tasks started at once; the bucket holds "
              + burst);
      events.receiveSeveralMessages(atOnce, WAIT);
      events.expectNoMessage(QUIET);
    }
  }

  @ParameterizedTest(name = "burst {0}")
  @ValueSource(ints = {1, 3})
  void noWindowOfTimeSeesMoreStartsThanTheBurstPlusTheRate(int burst) throws Exception {
    RateLimit rate = TEN_PER_SECOND.withBurst(burst);
    // Steps shorter than the spacing, equal to it, and many times longer (late ticks).
    int[] stepsMillis = {
      40, 60, 100, 250, 1000, 30, 70, 3000, 100, 500, 20, 180, 100, 2000, 150, 100
    };
    TestProbe<Object> events = testKit.createTestProbe();
    TaskRecorder recorder = new TaskRecorder(events);
    try (TaskPool pool = TaskPool.create(testKit.system(), lateTickSettings(rate))) {
      pool.gather(recorder.tasks(100));
      events.receiveSeveralMessages(burst, WAIT);
      awaitThePoolIdle();
      List<StartsAt> starts = new ArrayList<>();
      starts.add(new StartsAt(Duration.ZERO, recorder.starts()));

      Duration now = Duration.ZERO;
      Duration lastStart = Duration.ZERO;
      for (int millis : stepsMillis) {
        Duration step = Duration.ofMillis(millis);
        now = now.plus(step);
        int before = recorder.starts();
        timePassesWhileThePoolIsBusy(step);
        awaitThePoolIdle();
        int started = recorder.starts() - before;
        events.receiveSeveralMessages(started, WAIT);
        starts.add(new StartsAt(now, started));
        assertWithinRate(starts, rate);
        if (now.minus(lastStart).compareTo(rate.spacing()) >= 0) {
          assertTrue(
              started >= 1,
              "a spacing has passed since the last start at " + lastStart + ", none at " + now);
        }
        if (started > 0) {
          lastStart = now;
        }
      }
    }
  }

  /** How many tasks started when virtual time reached {@code at} (counted from the gather). */
  private record StartsAt(Duration at, int count) {}

  /**
   * Every window [from, last] of the run so far saw at most {@code burst + rate × (last - from)}
   * starts.
   */
  private static void assertWithinRate(List<StartsAt> starts, RateLimit rate) {
    StartsAt last = starts.get(starts.size() - 1);
    int started = 0;
    for (int from = starts.size() - 1; from >= 0; from--) {
      started += starts.get(from).count();
      Duration window = last.at().minus(starts.get(from).at());
      long allowed = rate.burst() + rate.starts() * window.toNanos() / rate.per().toNanos();
      assertTrue(
          started <= allowed,
          started
              + " starts from "
              + starts.get(from).at()
              + " to "
              + last.at()
              + "; the rate allows "
              + allowed
              + ". All: "
              + starts);
    }
  }

  /**
   * A pool with {@code rate}, room for every task, and its actors on the one thread the test can
   * hold.
   */
  private PoolSettings lateTickSettings(RateLimit rate) {
    return settings().withMaxConcurrency(100).withRate(rate).withDispatcher(POOL_THREAD);
  }

  private Executor poolThread() {
    return testKit.system().dispatchers().lookup(DispatcherSelector.fromConfig(POOL_THREAD));
  }

  /**
   * Virtual time passes while the pool's thread is busy elsewhere, as on a loaded machine: every
   * timer that falls due in the step fires, but the router handles them only after the step.
   */
  private void timePassesWhileThePoolIsBusy(Duration step) {
    TestProbe<Done> holding = testKit.createTestProbe();
    CountDownLatch release = new CountDownLatch(1);
    poolThread()
        .execute(
            () -> {
              holding.ref().tell(Done.getInstance());
              awaitQuietly(release);
            });
    holding.expectMessage(WAIT, Done.getInstance());
    try {
      manualTime.timePasses(step);
    } finally {
      release.countDown();
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Returns once the pool's thread has done what was queued on it (the router handling its ticks)
   * and what that work queued in turn (the workers starting their tasks): the thread runs its queue
   * in order, so a marker queued behind a marker queued now comes last.
   */
  private void awaitThePoolIdle() {
    TestProbe<Done> idle = testKit.createTestProbe();
    Executor thread = poolThread();
    thread.execute(() -> thread.execute(() -> idle.ref().tell(Done.getInstance())));
    idle.expectMessage(WAIT, Done.getInstance());
  }
}
