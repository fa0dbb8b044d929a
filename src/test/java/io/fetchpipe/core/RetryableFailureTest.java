package io.fetchpipe.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.testkit.VirtualTime;
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

/**
 * What a task's RetryableFailure asks of its pool, returned or thrown: a retry after the backoff or
 * after a given wait, and what the item comes to once retries are spent. In virtual time.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RetryableFailureTest {
  private static final Duration LIMIT = Duration.ofMinutes(5);

  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(VirtualTime.config()).build();

  private TaskPool pool(int retries, Duration backoff) {
    PoolSettings base = PoolSettings.create(testKit.system());
    return TaskPool.create(
        testKit.system(),
        base.withRetry(base.retry().withMaxRetries(retries).withBackoff(backoff)));
  }

  /**
   * Runs {@code task} in virtual time until its outcome is in; the outcome and the virtual time it
   * took.
   */
  private <T> Outcome<T> run(TaskPool pool, Task<T> task, List<Duration> took) throws Exception {
    VirtualTime time = VirtualTime.of(testKit.system());
    CompletableFuture<List<Outcome<T>>> gathered = pool.gather(List.of(task)).toCompletableFuture();
    took.add(time.advanceUntil(gathered::isDone, LIMIT));
    return gathered.get(5, TimeUnit.SECONDS).get(0);
  }

  @Test
  void withBackoffIsRetriedAfterTheBackoffAndFailsWithItsErrorOnceRetriesAreSpent()
      throws Exception {
    List<Integer> attempts = Collections.synchronizedList(new ArrayList<>());
    Task<String> busy =
        context -> {
          attempts.add(context.attempt());
          return CompletableFuture.failedFuture(
              RetryableFailure.withBackoff(new IllegalStateException("busy")));
        };
    List<Duration> took = new ArrayList<>();
    try (TaskPool pool = pool(2, Duration.ofSeconds(1))) {
      Outcome.Failure<String> failed = (Outcome.Failure<String>) run(pool, busy, took);

      assertEquals(List.of(1, 2, 3), attempts, "attempts count from 1");
      assertEquals(ErrorKind.EXCEPTION, failed.kind());
      assertTrue(failed.message().contains("busy"), failed.message());
      // Full jitter: the first retry waits up to 1 s, the second up to 2 s.
      assertTrue(took.get(0).compareTo(Duration.ofSeconds(3)) <= 0, "took " + took);
    }
  }

  @Test
  void afterWaitsExactlyWhatItNames() throws Exception {
    Task<Integer> second =
        context ->
            context.attempt() == 1
                ? CompletableFuture.failedFuture(
                    RetryableFailure.after(Duration.ofSeconds(7), new IllegalStateException("429")))
                : CompletableFuture.completedFuture(context.attempt());
    List<Duration> took = new ArrayList<>();
    try (TaskPool pool = pool(3, Duration.ofSeconds(1))) {
      assertEquals(2, run(pool, second, took).getOrThrow());
      assertEquals(Duration.ofSeconds(7), took.get(0));
    }
  }

  @Test
  void succeedingEndsInItsValueOnceRetriesAreSpent() throws Exception {
    Task<String> unavailable =
        context ->
            CompletableFuture.failedFuture(
                RetryableFailure.succeeding("the 503 page", "status 503", Duration.ofSeconds(1)));
    List<Duration> took = new ArrayList<>();
    try (TaskPool pool = pool(2, Duration.ofSeconds(1))) {
      assertEquals("the 503 page", run(pool, unavailable, took).getOrThrow());
      assertEquals(Duration.ofSeconds(2), took.get(0), "two retries a second apart");
    }
  }

  @Test
  void aRetryableFailureThrownAtOnceIsRetriedLikeAReturnedOne() throws Exception {
    Task<Integer> throwsFirst =
        context -> {
          if (context.attempt() == 1) {
            throw RetryableFailure.after(
                Duration.ofSeconds(3), new IllegalStateException("not yet"));
          }
          return CompletableFuture.completedFuture(context.attempt());
        };
    List<Duration> took = new ArrayList<>();
    try (TaskPool pool = pool(1, Duration.ofSeconds(1))) {
      assertEquals(2, run(pool, throwsFirst, took).getOrThrow());
      assertEquals(Duration.ofSeconds(3), took.get(0));
    }
  }

  @Test
  void anyOtherThrowFailsTheItemWithoutARetry() throws Exception {
    List<Integer> attempts = Collections.synchronizedList(new ArrayList<>());
    Task<String> broken =
        context -> {
          attempts.add(context.attempt());
          throw new IllegalArgumentException("a bug");
        };
    List<Duration> took = new ArrayList<>();
    try (TaskPool pool = pool(3, Duration.ofSeconds(1))) {
      Outcome.Failure<String> failed = (Outcome.Failure<String>) run(pool, broken, took);
      assertEquals(ErrorKind.EXCEPTION, failed.kind());
      assertTrue(
          failed.cause() instanceof IllegalArgumentException, String.valueOf(failed.cause()));
      assertEquals(List.of(1), attempts, "retries are for RetryableFailure only");
    }
  }
}
