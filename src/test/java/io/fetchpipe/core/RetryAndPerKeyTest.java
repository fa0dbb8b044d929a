package io.fetchpipe.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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

/** Retries (backoff, server-requested waits, no slot held while waiting) and the per-key limit. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RetryAndPerKeyTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Duration QUIET = Duration.ofMillis(150);

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withCustomConfig(ManualTime.config().withFallback(ActorTestKit.applicationTestConfig()))
          .build();

  private ManualTime manualTime;

  @BeforeAll
  void setUp() {
    manualTime = ManualTime.get(testKit.system());
  }

  private PoolSettings settings(int maxConcurrency, int retries) {
    PoolSettings base = PoolSettings.create(testKit.system()).withMaxConcurrency(maxConcurrency);
    return base.withRetry(base.retry().withMaxRetries(retries).withBackoff(Duration.ofSeconds(1)));
  }

  /** Reports each attempt to a probe as "request#attempt" and answers as {@code outcome} says. */
  private interface Script {
    CompletionStage<String> answer(String request, int attempt);
  }

  private JobPool<String, String> pool(
      PoolSettings settings, TestProbe<String> attempts, Script script) {
    return JobPool.create(
        testKit.system(),
        settings,
        new JobHandler<String, String>() {
          @Override
          public CompletionStage<String> handle(String request, TaskContext context) {
            attempts.ref().tell(request + "#" + context.attempt());
            return script.answer(request, context.attempt());
          }

          @Override
          public Object limitKey(String request) {
            return request.substring(0, request.indexOf('-'));
          }
        });
  }

  private static CompletionStage<String> retryable(String why) {
    return CompletableFuture.failedFuture(
        RetryableFailure.failing(new TaskFailure(ErrorKind.of("io"), why), null));
  }

  @Test
  void aRetryableFailureIsRetriedWithBackoffUntilItSucceeds() throws Exception {
    TestProbe<String> attempts = testKit.createTestProbe();
    try (JobPool<String, String> pool =
        pool(
            settings(1, 3),
            attempts,
            (request, attempt) ->
                request.startsWith("a") && attempt < 3
                    ? retryable("reset " + attempt)
                    : CompletableFuture.completedFuture("ok"))) {
      CompletableFuture<List<Outcome<String>>> result =
          pool.gather(List.of("a-1", "b-2"), GatherOptions.defaults()).toCompletableFuture();
      assertEquals("a-1#1", attempts.receiveMessage(WAIT));
      // b-2 gets the only slot once a-1's failure is in and its retry is scheduled.
      assertEquals("b-2#1", attempts.receiveMessage(WAIT));
      // Full jitter: retry 1 waits at most 1 s, retry 2 at most 2 s.
      manualTime.timePasses(Duration.ofSeconds(1));
      assertEquals("a-1#2", attempts.receiveMessage(WAIT));
      manualTime.timePasses(Duration.ofSeconds(2));
      assertEquals("a-1#3", attempts.receiveMessage(WAIT));
      assertEquals("ok", result.get(5, TimeUnit.SECONDS).get(0).getOrThrow());
    }
  }

  @Test
  void whenRetriesAreSpentTheFinalErrorIsTheOutcome() throws Exception {
    TestProbe<String> attempts = testKit.createTestProbe();
    try (JobPool<String, String> pool =
        pool(
            settings(1, 1),
            attempts,
            (request, attempt) ->
                request.startsWith("a")
                    ? retryable("reset " + attempt)
                    : CompletableFuture.completedFuture("ok"))) {
      CompletableFuture<List<Outcome<String>>> result =
          pool.gather(List.of("a-1", "b-2"), GatherOptions.defaults()).toCompletableFuture();
      assertEquals("a-1#1", attempts.receiveMessage(WAIT));
      assertEquals("b-2#1", attempts.receiveMessage(WAIT)); // a-1's retry is scheduled
      manualTime.timePasses(Duration.ofSeconds(1));
      assertEquals("a-1#2", attempts.receiveMessage(WAIT));
      Outcome.Failure<?> failure = (Outcome.Failure<?>) result.get(5, TimeUnit.SECONDS).get(0);
      assertEquals(ErrorKind.of("io"), failure.kind());
      assertEquals("reset 2", failure.message());
      attempts.expectNoMessage(QUIET);
    }
  }

  @Test
  void aSpentRetryCanEndInASuccessValue() throws Exception {
    TestProbe<String> attempts = testKit.createTestProbe();
    try (JobPool<String, String> pool =
        pool(
            settings(1, 0),
            attempts,
            (request, attempt) ->
                CompletableFuture.failedFuture(
                    RetryableFailure.succeeding("status 503", "status 503", null)))) {
      Outcome<String> outcome =
          pool.gather(List.of("a-1"), GatherOptions.defaults())
              .toCompletableFuture()
              .get(5, TimeUnit.SECONDS)
              .get(0);
      assertEquals("status 503", outcome.getOrThrow());
    }
  }

  @Test
  void aServerRequestedWaitReplacesTheBackoffAndHoldsNoSlot() throws Exception {
    TestProbe<String> attempts = testKit.createTestProbe();
    Script script =
        (request, attempt) ->
            request.startsWith("slow") && attempt == 1
                ? CompletableFuture.failedFuture(
                    RetryableFailure.failing(
                        new TaskFailure(ErrorKind.EXCEPTION, "429"), Duration.ofSeconds(5)))
                : CompletableFuture.completedFuture(request);
    try (JobPool<String, String> pool = pool(settings(1, 2), attempts, script)) {
      CompletableFuture<List<Outcome<String>>> result =
          pool.gather(List.of("slow-1", "fast-2"), GatherOptions.defaults()).toCompletableFuture();
      assertEquals("slow-1#1", attempts.receiveMessage(WAIT));
      assertEquals(
          "fast-2#1", attempts.receiveMessage(WAIT), "the one slot is free while slow-1 waits");
      manualTime.timePasses(Duration.ofMillis(4999));
      attempts.expectNoMessage(QUIET);
      manualTime.timePasses(Duration.ofMillis(1));
      assertEquals("slow-1#2", attempts.receiveMessage(WAIT));
      List<Outcome<String>> outcomes = result.get(5, TimeUnit.SECONDS);
      assertEquals(
          List.of("slow-1", "fast-2"), outcomes.stream().map(Outcome::getOrThrow).toList());
    }
  }

  @Test
  void cancellingAGatherFailsAJobWaitingForItsRetry() throws Exception {
    TestProbe<String> attempts = testKit.createTestProbe();
    try (JobPool<String, String> pool =
        pool(
            settings(1, 5),
            attempts,
            (request, attempt) ->
                request.startsWith("a")
                    ? retryable("reset")
                    : CompletableFuture.completedFuture("ok"))) {
      Gathering<String> gathering = pool.submit(List.of("a-1", "b-2"), GatherOptions.defaults());
      assertEquals("a-1#1", attempts.receiveMessage(WAIT));
      assertEquals("b-2#1", attempts.receiveMessage(WAIT)); // a-1 now waits for its retry
      gathering.cancel();
      Outcome.Failure<?> failure =
          (Outcome.Failure<?>)
              gathering.outcomes().toCompletableFuture().get(5, TimeUnit.SECONDS).get(0);
      assertEquals(ErrorKind.CANCELLED, failure.kind());
      manualTime.timePasses(Duration.ofSeconds(60));
      attempts.expectNoMessage(QUIET);
    }
  }

  @Test
  void aKeyAtItsLimitDoesNotHoldUpOtherKeys() throws Exception {
    TestProbe<Object> events = testKit.createTestProbe();
    TaskRecorder recorder = new TaskRecorder(events);
    PoolSettings onePerHost = settings(5, 0).withMaxPerKey(1);
    try (JobPool<String, String> pool =
        JobPool.create(
            testKit.system(),
            onePerHost,
            new JobHandler<String, String>() {
              @Override
              public CompletionStage<String> handle(String request, TaskContext context) {
                return recorder.start(context);
              }

              @Override
              public Object limitKey(String request) {
                return request.substring(0, request.indexOf('/'));
              }
            })) {
      CompletableFuture<List<Outcome<String>>> result =
          pool.gather(List.of("a/0", "a/1", "a/2", "b/3", "c/4", "b/5"), GatherOptions.defaults())
              .toCompletableFuture();
      assertEquals(
          Set.of(0, 3, 4),
          Set.of(
              recorder.expectStart(WAIT), recorder.expectStart(WAIT), recorder.expectStart(WAIT)),
          "one per host: a/0, and b and c go ahead of a's queue");
      events.expectNoMessage(QUIET);
      recorder.complete(3);
      assertEquals(5, recorder.expectStart(WAIT), "b's next one takes b's freed place");
      recorder.complete(0);
      assertEquals(1, recorder.expectStart(WAIT));
      recorder.complete(1);
      assertEquals(2, recorder.expectStart(WAIT));
      for (int i : new int[] {2, 4, 5}) {
        recorder.complete(i);
      }
      assertTrue(result.get(5, TimeUnit.SECONDS).stream().allMatch(Outcome::isSuccess));
      assertEquals(3, recorder.maxInFlight());
    }
  }

  @Test
  void backoffGrowsExponentiallyWithFullJitterAndCaps() {
    RetrySettings retry =
        new RetrySettings(5, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(30));
    Random random = new Random(42);
    for (int i = 0; i < 1_000; i++) {
      assertTrue(retry.delayBefore(1, null, random).toMillis() < 200);
      assertTrue(retry.delayBefore(2, null, random).toMillis() < 400);
      assertTrue(retry.delayBefore(10, null, random).toMillis() < 1000);
    }
    long sumThird = 0;
    for (int i = 0; i < 1_000; i++) {
      sumThird += retry.delayBefore(3, null, random).toMillis();
    }
    assertTrue(sumThird / 1_000 > 300, "retry 3 draws from [0, 800 ms): the mean is near 400 ms");
    assertEquals(Duration.ofSeconds(7), retry.delayBefore(1, Duration.ofSeconds(7), random));
    assertEquals(
        Duration.ofSeconds(30),
        retry.delayBefore(1, Duration.ofMinutes(5), random),
        "server waits are capped");
  }
}
