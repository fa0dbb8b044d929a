package io.fetchpipe.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.core.RateLimit;
import io.fetchpipe.core.RetryableFailure;
import io.fetchpipe.core.Task;
import io.fetchpipe.core.TaskPool;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.Fetcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Retry and timeout scenarios of 20 to 30 virtual seconds each, as an application's tests write
 * them: virtual time moves until the work is done, and the waits come out exactly as configured.
 * The class's real time is what {@code docs/testing.md} reports for virtual time.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RetryScenariosInVirtualTimeTest {
  private static final Duration LIMIT = Duration.ofSeconds(60);

  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(VirtualTime.config()).build();

  @RegisterExtension static final EmbeddedServerExtension server = EmbeddedServerExtension.create();

  private PoolSettings retrying(int retries) {
    PoolSettings base = PoolSettings.create(testKit.system());
    return base.withRetry(base.retry().withMaxRetries(retries));
  }

  @Test
  void aTaskAskingForTenSecondsThriceSucceedsAtThirtySeconds() throws Exception {
    VirtualTime time = VirtualTime.of(testKit.system());
    AtomicInteger attempts = new AtomicInteger();
    Task<Duration> flaky =
        context -> {
          attempts.incrementAndGet();
          return context.attempt() <= 3
              ? CompletableFuture.failedFuture(
                  RetryableFailure.failing(
                      new IllegalStateException("busy"), Duration.ofSeconds(10)))
              : CompletableFuture.completedFuture(time.now());
        };
    try (TaskPool pool = TaskPool.create(testKit.system(), retrying(3))) {
      Duration start = time.now();
      CompletableFuture<Duration> done = pool.start(flaky).toCompletableFuture();

      time.advanceUntil(done::isDone, LIMIT);

      assertEquals(4, attempts.get());
      assertEquals(
          Duration.ofSeconds(30),
          done.get(5, TimeUnit.SECONDS).minus(start),
          "three waits of 10 s");
    }
  }

  @Test
  void aServersRetryAfterOfThirtySecondsIsHonoured() throws Exception {
    VirtualTime time = VirtualTime.of(testKit.system());
    try (Fetcher fetcher =
        Fetcher.create(testKit.system(), retrying(1), FetchSettings.create(testKit.system()))) {
      CompletableFuture<FetchResponse> fetched =
          fetcher.fetch(server.url("/retry-after/wait/30")).toCompletableFuture();
      time.await("the first request answered", () -> server.stats().requests() == 1);

      Duration took = time.advanceUntil(() -> server.stats().requests() == 2, LIMIT);

      assertEquals(Duration.ofSeconds(30), took, "the retry waits what the server asked for");
      FetchResponse response = fetched.get(10, TimeUnit.SECONDS);
      assertEquals(200, response.status());
      assertEquals(2, response.attempts());
    }
  }

  @Test
  void aRequestThatNeverAnswersTimesOutThreeTimes() throws Exception {
    VirtualTime time = VirtualTime.of(testKit.system());
    PoolSettings pool = retrying(2);
    pool = pool.withRetry(pool.retry().withBackoff(Duration.ofMillis(1)));
    FetchSettings tenSeconds =
        FetchSettings.create(testKit.system()).withTimeout(Duration.ofSeconds(10));
    try (Fetcher fetcher = Fetcher.create(testKit.system(), pool, tenSeconds)) {
      Duration start = time.now();
      CompletableFuture<List<Outcome<FetchResponse>>> fetched =
          fetcher.fetchAll(List.of(server.url("/hang"))).toCompletableFuture();

      time.advanceUntil(fetched::isDone, LIMIT);

      Outcome.Failure<FetchResponse> failure =
          (Outcome.Failure<FetchResponse>) fetched.get(5, TimeUnit.SECONDS).get(0);
      assertEquals(ErrorKind.TIMEOUT, failure.kind());
      assertEquals(3, server.stats().requests(), "three attempts");
      Duration took = time.now().minus(start);
      // Three timeouts of 10 s, with two backoffs between them: at most 1 ms, then at most 2 ms.
      assertTrue(
          took.compareTo(Duration.ofSeconds(30)) >= 0
              && took.compareTo(Duration.ofMillis(30_003)) <= 0,
          "gave up after " + took);
    }
  }

  @Test
  void thirtyOneTasksAtOnePerSecondTakeThirtySeconds() throws Exception {
    VirtualTime time = VirtualTime.of(testKit.system());
    PoolSettings onePerSecond =
        PoolSettings.create(testKit.system()).withRate(RateLimit.of(1, Duration.ofSeconds(1)));
    List<Duration> starts = Collections.synchronizedList(new ArrayList<>());
    Task<Duration> recordStart =
        Task.of(
            () -> {
              starts.add(time.now());
              return CompletableFuture.completedFuture(time.now());
            });
    try (TaskPool pool = TaskPool.create(testKit.system(), onePerSecond)) {
      Duration start = time.now();
      CompletableFuture<List<Outcome<Duration>>> results =
          pool.gather(Collections.nCopies(31, recordStart)).toCompletableFuture();

      time.advanceUntil(results::isDone, LIMIT);

      assertEquals(31, results.get(5, TimeUnit.SECONDS).size());
      for (int i = 0; i < 31; i++) {
        assertEquals(Duration.ofSeconds(i), starts.get(i).minus(start), "start " + i);
      }
    }
  }
}
