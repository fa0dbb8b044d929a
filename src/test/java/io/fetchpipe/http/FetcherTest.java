package io.fetchpipe.http;

import io.fetchpipe.testing.WithEmbeddedServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.TaskPoolSettings;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.Test;

/** Fetching from the embedded server: results, the cap seen by the server, every error kind. */
class FetcherTest extends WithEmbeddedServer {
  private TaskPoolSettings pool(int maxConcurrency) {
    return TaskPoolSettings.create(testKit.system()).withMaxConcurrency(maxConcurrency);
  }

  private FetchSettings fetch() {
    return FetchSettings.create(testKit.system());
  }

  private List<Outcome<FetchResult>> fetchAll(TaskPoolSettings pool, FetchSettings fetch, List<String> urls)
      throws Exception {
    try (Fetcher fetcher = Fetcher.create(testKit.system(), pool, fetch)) {
      return fetcher.fetchAll(urls).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static Outcome.Failure<FetchResult> failure(Outcome<FetchResult> outcome) {
    assertTrue(outcome instanceof Outcome.Failure, "expected a failure, got " + outcome);
    return (Outcome.Failure<FetchResult>) outcome;
  }

  @Test
  void aResponseGivesStatusAndBodyLength() throws Exception {
    List<Outcome<FetchResult>> outcomes = fetchAll(pool(5), fetch(),
        List.of(url("/bytes/1000"), url("/status/404"), url("/get")));
    assertEquals(new FetchResult(200, 1000, null, 1), outcomes.get(0).getOrThrow());
    assertEquals(404, outcomes.get(1).getOrThrow().status(), "a 404 is a result unless statuses are raised");
    assertEquals(200, outcomes.get(2).getOrThrow().status());
  }

  @Test
  void theServerNeverSeesMoreThanTheCap() throws Exception {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      urls.add(url("/delay/0.2"));
    }
    List<Outcome<FetchResult>> outcomes = fetchAll(pool(5), fetch(), urls);
    assertTrue(outcomes.stream().allMatch(Outcome::isSuccess));
    assertEquals(5, server.stats().maxInFlight(), "the cap is reached and never passed");
    assertEquals(20, server.stats().requests());
  }

  @Test
  void invalidUrlsFailWithoutARequest() throws Exception {
    List<Outcome<FetchResult>> outcomes = fetchAll(pool(5), fetch(),
        List.of("htp://bad", "not a url", "http://", "ftp://example.com/x", "/relative/path"));
    List<String> messages = outcomes.stream().map(o -> failure(o).message()).toList();
    for (Outcome<FetchResult> outcome : outcomes) {
      assertEquals(ErrorKind.INVALID_URL, failure(outcome).kind());
      assertEquals(0, ((FetchFailure) failure(outcome).cause()).attempts());
    }
    assertEquals("unsupported scheme 'htp'", messages.get(0));
    assertEquals(0, server.stats().requests());
  }

  @Test
  void aClosedPortIsAConnectError() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Outcome.Failure<FetchResult> failure =
        failure(fetchAll(pool(1), fetch(), List.of("http://127.0.0.1:" + closedPort + "/")).get(0));
    assertEquals(ErrorKind.CONNECT, failure.kind());
    assertEquals(1, ((FetchFailure) failure.cause()).attempts());
  }

  @Test
  void aHangingServerTimesOutAndTheSlotIsFreed() throws Exception {
    // One connection per host: the /get after the timed-out /hang needs the freed connection.
    FetchSettings quick = fetch().withTimeout(Duration.ofMillis(300));
    List<Outcome<FetchResult>> outcomes = fetchAll(pool(1), quick, List.of(url("/hang"), url("/get")));
    Outcome.Failure<FetchResult> timedOut = failure(outcomes.get(0));
    assertEquals(ErrorKind.TIMEOUT, timedOut.kind());
    assertEquals("timed out after 300ms", timedOut.message());
    assertEquals(200, outcomes.get(1).getOrThrow().status());
  }

  @Test
  void aConnectionCutMidBodyIsAnIoError() throws Exception {
    assertEquals(ErrorKind.IO, failure(fetchAll(pool(1), fetch(), List.of(url("/reset"))).get(0)).kind());
  }

  @Test
  void aBodyOverTheCapIsTooLarge() throws Exception {
    List<Outcome<FetchResult>> outcomes = fetchAll(pool(2), fetch().withMaxBody(1000),
        List.of(url("/bytes/2000"), url("/bytes/1000")));
    Outcome.Failure<FetchResult> tooLarge = failure(outcomes.get(0));
    assertEquals(ErrorKind.TOO_LARGE, tooLarge.kind());
    assertEquals("body larger than 1000 bytes", tooLarge.message());
    assertEquals(1000, outcomes.get(1).getOrThrow().bytes(), "exactly the cap is fine");
  }

  @Test
  void raiseForStatusTurnsErrorStatusesIntoErrors() throws Exception {
    List<Outcome<FetchResult>> outcomes = fetchAll(pool(2), fetch().withRaiseForStatus(true),
        List.of(url("/status/404"), url("/status/302"), url("/get")));
    Outcome.Failure<FetchResult> raised = failure(outcomes.get(0));
    assertEquals(ErrorKind.HTTP_STATUS, raised.kind());
    assertEquals(404, ((FetchFailure) raised.cause()).status());
    assertTrue(outcomes.get(1).isSuccess());
    assertTrue(outcomes.get(2).isSuccess());
  }

  @Test
  void redirectsAreFollowedUpToTheLimit() throws Exception {
    List<Outcome<FetchResult>> outcomes = fetchAll(pool(2), fetch().withMaxRedirects(3),
        List.of(url("/redirect/3"), url("/redirect/4")));
    FetchResult followed = outcomes.get(0).getOrThrow();
    assertEquals(200, followed.status());
    assertEquals(url("/get"), followed.finalUrl());
    assertEquals(1, followed.attempts(), "hops are not attempts");
    assertEquals(ErrorKind.TOO_MANY_REDIRECTS, failure(outcomes.get(1)).kind());

    FetchResult notFollowed = fetchAll(pool(1), fetch(), List.of(url("/redirect/1"))).get(0).getOrThrow();
    assertEquals(302, notFollowed.status());
    assertNull(notFollowed.finalUrl());
  }

  @Test
  void retryableStatusesAreRetriedAndAttemptsCounted() throws Exception {
    TaskPoolSettings retrying = pool(2).withRetry(pool(2).retry().withMaxRetries(3).withBackoff(Duration.ofMillis(10)));
    List<Outcome<FetchResult>> outcomes = fetchAll(retrying, fetch(),
        List.of(url("/flaky/a/2"), url("/flaky/b/5"), url("/retry-after/c/0")));
    FetchResult recovered = outcomes.get(0).getOrThrow();
    assertEquals(200, recovered.status());
    assertEquals(3, recovered.attempts());
    FetchResult exhausted = outcomes.get(1).getOrThrow();
    assertEquals(503, exhausted.status(), "retries spent: the last response is the result");
    assertEquals(4, exhausted.attempts());
    assertEquals(2, outcomes.get(2).getOrThrow().attempts());
  }

  @Test
  void aHostAtItsPerHostLimitDoesNotDelayAnotherHost() throws Exception {
    // 127.0.0.1 and localhost are different hosts to the limit, though it is the same server.
    String other = "http://localhost:" + server.port();
    TaskPoolSettings onePerHost = pool(4).withMaxPerKey(1);
    // The other host's request takes 0.2 s, so it is on the server while the busy host's first one is.
    List<Outcome<FetchResult>> outcomes = fetchAll(onePerHost, fetch(), List.of(
        url("/delay/0.6"), url("/delay/0.6"), url("/delay/0.6"), other + "/delay/0.2"));
    assertTrue(outcomes.get(3).elapsed().toMillis() < 550,
        "the other host's request does not wait behind the busy one: " + outcomes.get(3).elapsed());
    assertTrue(outcomes.get(2).finishedAt().isAfter(outcomes.get(0).finishedAt().plusMillis(1100)),
        "one at a time to the busy host");
    assertEquals(2, server.stats().maxInFlight(), "one per host, two hosts");
  }

  @Test
  void retryAfterIsHonoured() throws Exception {
    TaskPoolSettings retrying = pool(1).withRetry(pool(1).retry().withMaxRetries(1).withBackoff(Duration.ofMillis(1)));
    Outcome<FetchResult> outcome = fetchAll(retrying, fetch(), List.of(url("/retry-after/wait/1"))).get(0);
    assertEquals(200, outcome.getOrThrow().status());
    assertEquals(2, outcome.getOrThrow().attempts());
    assertTrue(outcome.elapsed().toMillis() >= 1000, "waited as the server asked: " + outcome.elapsed());
  }

  @Test
  void aHostsCircuitOpensAfterConsecutiveFailuresAndClosesAfterATrial() throws Exception {
    FetchSettings breaking = fetch().withCircuitBreaker(2, Duration.ofMillis(500));
    try (Fetcher fetcher = Fetcher.create(testKit.system(), pool(1), breaking)) {
      List<Outcome<FetchResult>> outcomes = fetcher.fetchAll(List.of(
          url("/status/500"), url("/status/503"), url("/get"), url("/get"))).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals(500, outcomes.get(0).getOrThrow().status());
      assertEquals(503, outcomes.get(1).getOrThrow().status());
      for (int i = 2; i < 4; i++) {
        Outcome.Failure<FetchResult> open = failure(outcomes.get(i));
        assertEquals(ErrorKind.CIRCUIT_OPEN, open.kind());
        assertEquals(0, ((FetchFailure) open.cause()).attempts(), "no request was sent");
      }
      assertEquals(2, server.stats().requests());
      // Once the reset timeout has passed, a trial request goes through and closes the circuit.
      io.fetchpipe.core.Delay.sleep(testKit.system(), Duration.ofMillis(700)).toCompletableFuture().get(5, TimeUnit.SECONDS);
      List<Outcome<FetchResult>> after = fetcher.fetchAll(List.of(url("/get"), url("/get")))
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertTrue(after.stream().allMatch(Outcome::isSuccess), after.toString());
    }
  }

  @Test
  void failFastCancelsTheRestAndEveryUrlStillGetsOneOutcome() throws Exception {
    List<FetchRequest> requests = new ArrayList<>();
    requests.add(new FetchRequest(0, 1, "htp://bad"));
    for (int i = 1; i < 30; i++) {
      requests.add(new FetchRequest(i, i + 1, url("/delay/0.3")));
    }
    try (Fetcher fetcher = Fetcher.create(testKit.system(), pool(3), fetch())) {
      List<Fetched> fetched = Source.from(requests).via(fetcher.flow(8, true, true))
          .runWith(Sink.seq(), testKit.system()).toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertEquals(30, fetched.size());
      assertEquals(ErrorKind.INVALID_URL, failure(fetched.get(0).outcome()).kind());
      for (int i = 1; i < 30; i++) {
        assertEquals(i, fetched.get(i).request().index());
        assertEquals(ErrorKind.CANCELLED, failure(fetched.get(i).outcome()).kind(), "url " + i);
      }
    }
  }

  @Test
  void aMixedListGetsExactlyOneOutcomePerUrl() throws Exception {
    List<String> urls = new ArrayList<>();
    List<Function<Integer, String>> kinds = List.of(
        i -> url("/get"), i -> url("/status/500"), i -> "htp://x" + i, i -> url("/bytes/" + i), i -> url("/delay/0.05"));
    for (int i = 0; i < 50; i++) {
      urls.add(kinds.get(i % kinds.size()).apply(i));
    }
    List<Outcome<FetchResult>> outcomes = fetchAll(pool(8), fetch(), urls);
    BitSet seen = new BitSet();
    for (int i = 0; i < outcomes.size(); i++) {
      assertEquals(i, outcomes.get(i).index());
      seen.set(outcomes.get(i).index());
    }
    assertEquals(50, seen.cardinality());
  }
}
