package io.fetchpipe.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.http.server.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The fetcher's waits in virtual time: a server's Retry-After and a host's open circuit. The
 * embedded server runs in the same actor system; the routes used here need no time of their own.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FetcherInVirtualTimeTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withCustomConfig(ManualTime.config().withFallback(ActorTestKit.applicationTestConfig()))
          .build();

  private ManualTime manualTime;
  private TestServer server;

  @BeforeAll
  void setUp() {
    manualTime = ManualTime.get(testKit.system());
  }

  @BeforeEach
  void startServer() throws Exception {
    server = TestServer.start(testKit.system()).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stopServer() throws Exception {
    server.stop(Duration.ofMillis(200)).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private PoolSettings oneAtATime(int retries) {
    PoolSettings base = PoolSettings.create(testKit.system()).withMaxConcurrency(1);
    return base.withRetry(base.retry().withMaxRetries(retries).withBackoff(Duration.ofMillis(1)));
  }

  @Test
  void aServerRequestedWaitIsHonouredInFull() throws Exception {
    TestProbe<Object> probe = testKit.createTestProbe();
    try (Fetcher fetcher =
        Fetcher.create(testKit.system(), oneAtATime(1), FetchSettings.create(testKit.system()))) {
      CompletableFuture<FetchResponse> fetched =
          fetcher.fetch(server.address() + "/retry-after/wait/3").toCompletableFuture();
      probe.awaitAssert(
          WAIT,
          () -> {
            assertEquals(1, server.stats().requests());
            return null;
          });
      // Step through virtual time until the retry arrives: it may never come before the 3 s the
      // server asked for (counted from the 429, which came at time 0 or later).
      Duration advanced = Duration.ZERO;
      while (server.stats().requests() < 2 && advanced.compareTo(Duration.ofSeconds(10)) < 0) {
        manualTime.timePasses(Duration.ofMillis(250));
        advanced = advanced.plusMillis(250);
        awaitQuietly(probe, () -> server.stats().requests() == 2);
      }
      assertTrue(advanced.compareTo(Duration.ofSeconds(3)) >= 0, "retried after " + advanced);
      FetchResponse response = fetched.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertEquals(200, response.status());
      assertEquals(2, response.attempts());
    }
  }

  /** Waits a moment for {@code condition}; quietly returns if it does not come true. */
  private static void awaitQuietly(TestProbe<Object> probe, BooleanSupplier condition) {
    try {
      probe.awaitAssert(
          Duration.ofMillis(100),
          () -> {
            assertTrue(condition.getAsBoolean());
            return null;
          });
    } catch (AssertionError notYet) {
      // the next step of virtual time may bring it
    }
  }

  @Test
  void aHostsCircuitOpensAfterConsecutiveFailuresAndClosesAfterATrial() throws Exception {
    FetchSettings breaking =
        FetchSettings.create(testKit.system()).withCircuitBreaker(2, Duration.ofSeconds(30));
    try (Fetcher fetcher = Fetcher.create(testKit.system(), oneAtATime(0), breaking)) {
      List<Outcome<FetchResponse>> outcomes =
          fetcher
              .fetchAll(List.of(url("/status/500"), url("/status/503"), url("/get"), url("/get")))
              .toCompletableFuture()
              .get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertEquals(500, outcomes.get(0).getOrThrow().status());
      assertEquals(503, outcomes.get(1).getOrThrow().status());
      for (int i = 2; i < 4; i++) {
        Outcome.Failure<FetchResponse> open = (Outcome.Failure<FetchResponse>) outcomes.get(i);
        assertEquals(FetchErrorKind.CIRCUIT_OPEN, open.kind());
        assertEquals(0, ((FetchFailure) open.cause()).attempts(), "no request was sent");
      }
      assertEquals(2, server.stats().requests());

      // The breaker recorded the second failure before that outcome was reported, so its reset
      // timer is already running: just short of it the circuit is still open.
      manualTime.timePasses(Duration.ofSeconds(29));
      Outcome<FetchResponse> stillOpen =
          fetcher
              .fetchAll(List.of(url("/get")))
              .toCompletableFuture()
              .get(WAIT.toSeconds(), TimeUnit.SECONDS)
              .get(0);
      assertEquals(
          FetchErrorKind.CIRCUIT_OPEN, ((Outcome.Failure<FetchResponse>) stillOpen).kind());

      manualTime.timePasses(Duration.ofSeconds(1));
      List<Outcome<FetchResponse>> after =
          fetcher
              .fetchAll(List.of(url("/get"), url("/get")))
              .toCompletableFuture()
              .get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertTrue(
          after.stream().allMatch(Outcome::isSuccess), "a trial closed the circuit: " + after);
      assertEquals(4, server.stats().requests());
    }
  }

  private String url(String path) {
    return server.address() + path;
  }
}
