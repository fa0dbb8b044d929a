package io.fetchpipe.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.core.Completed;
import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.GatherOptions;
import io.fetchpipe.core.Order;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.testing.WithEmbeddedServer;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.Test;

/** Fetching from the embedded server: results, the cap seen by the server, every error kind. */
class FetcherTest extends WithEmbeddedServer {
  private PoolSettings pool(int maxConcurrency) {
    return PoolSettings.create(testKit.system()).withMaxConcurrency(maxConcurrency);
  }

  private FetchSettings fetch() {
    return FetchSettings.create(testKit.system());
  }

  private List<Outcome<FetchResponse>> fetchAll(
      PoolSettings pool, FetchSettings fetch, List<String> urls) throws Exception {
    try (Fetcher fetcher = Fetcher.create(testKit.system(), pool, fetch)) {
      return fetcher.fetchAll(urls).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static Outcome.Failure<FetchResponse> failure(Outcome<FetchResponse> outcome) {
    assertTrue(outcome instanceof Outcome.Failure, "expected a failure, got " + outcome);
    return (Outcome.Failure<FetchResponse>) outcome;
  }

  @Test
  void aResponseGivesStatusAndBodyLength() throws Exception {
    List<Outcome<FetchResponse>> outcomes =
        fetchAll(pool(5), fetch(), List.of(url("/bytes/1000"), url("/status/404"), url("/get")));
    FetchResponse bytes = outcomes.get(0).getOrThrow();
    assertEquals(200, bytes.status());
    assertEquals(1000, bytes.bytes());
    assertNull(bytes.finalUrl());
    assertEquals(1, bytes.attempts());
    assertEquals("application/octet-stream", bytes.contentType());
    assertEquals(
        404, outcomes.get(1).getOrThrow().status(), "a 404 is a result unless statuses are raised");
    assertEquals(200, outcomes.get(2).getOrThrow().status());
  }

  @Test
  void theServerNeverSeesMoreThanTheCap() throws Exception {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      urls.add(url("/delay/0.2"));
    }
    List<Outcome<FetchResponse>> outcomes = fetchAll(pool(5), fetch(), urls);
    assertTrue(outcomes.stream().allMatch(Outcome::isSuccess));
    assertEquals(5, server.stats().maxInFlight(), "the cap is reached and never passed");
    assertEquals(20, server.stats().requests());
  }

  @Test
  void invalidUrlsFailWithoutARequest() throws Exception {
    List<Outcome<FetchResponse>> outcomes =
        fetchAll(
            pool(5),
            fetch(),
            List.of("htp://bad", "not a url", "http://", "ftp://example.com/x", "/relative/path"));
    List<String> messages = outcomes.stream().map(o -> failure(o).message()).toList();
    for (Outcome<FetchResponse> outcome : outcomes) {
      assertEquals(FetchErrorKind.INVALID_URL, failure(outcome).kind());
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
    Outcome.Failure<FetchResponse> failure =
        failure(fetchAll(pool(1), fetch(), List.of("http://127.0.0.1:" + closedPort + "/")).get(0));
    assertEquals(FetchErrorKind.CONNECT, failure.kind());
    assertEquals(1, ((FetchFailure) failure.cause()).attempts());
  }

  @Test
  void aHangingServerTimesOutAndTheSlotIsFreed() throws Exception {
    // One connection per host: the /get after the timed-out /hang needs the freed connection.
    FetchSettings quick = fetch().withTimeout(Duration.ofMillis(300));
    List<Outcome<FetchResponse>> outcomes =
        fetchAll(pool(1), quick, List.of(url("/hang"), url("/get")));
    Outcome.Failure<FetchResponse> timedOut = failure(outcomes.get(0));
    assertEquals(ErrorKind.TIMEOUT, timedOut.kind());
    assertEquals("timed out after 300ms", timedOut.message());
    assertEquals(200, outcomes.get(1).getOrThrow().status());
  }

  @Test
  void aConnectionCutMidBodyIsAnIoError() throws Exception {
    assertEquals(
        FetchErrorKind.IO,
        failure(fetchAll(pool(1), fetch(), List.of(url("/reset"))).get(0)).kind());
  }

  @Test
  void aBodyOverTheCapIsTooLarge() throws Exception {
    List<Outcome<FetchResponse>> outcomes =
        fetchAll(
            pool(2), fetch().withMaxBody(1000), List.of(url("/bytes/2000"), url("/bytes/1000")));
    Outcome.Failure<FetchResponse> tooLarge = failure(outcomes.get(0));
    assertEquals(FetchErrorKind.TOO_LARGE, tooLarge.kind());
    assertEquals("body larger than 1000 bytes", tooLarge.message());
    assertEquals(1000, outcomes.get(1).getOrThrow().bytes(), "exactly the cap is fine");
  }

  @Test
  void raiseForStatusTurnsErrorStatusesIntoErrors() throws Exception {
    List<Outcome<FetchResponse>> outcomes =
        fetchAll(
            pool(2),
            fetch().withRaiseForStatus(true),
            List.of(url("/status/404"), url("/status/302"), url("/get")));
    Outcome.Failure<FetchResponse> raised = failure(outcomes.get(0));
    assertEquals(FetchErrorKind.HTTP_STATUS, raised.kind());
    assertEquals(404, ((FetchFailure) raised.cause()).status());
    assertTrue(outcomes.get(1).isSuccess());
    assertTrue(outcomes.get(2).isSuccess());
  }

  @Test
  void redirectsAreFollowedUpToTheLimit() throws Exception {
    List<Outcome<FetchResponse>> outcomes =
        fetchAll(
            pool(2), fetch().withMaxRedirects(3), List.of(url("/redirect/3"), url("/redirect/4")));
    FetchResponse followed = outcomes.get(0).getOrThrow();
    assertEquals(200, followed.status());
    assertEquals(url("/get"), followed.finalUrl());
    assertEquals(1, followed.attempts(), "hops are not attempts");
    assertEquals(FetchErrorKind.TOO_MANY_REDIRECTS, failure(outcomes.get(1)).kind());

    FetchResponse notFollowed =
        fetchAll(pool(1), fetch(), List.of(url("/redirect/1"))).get(0).getOrThrow();
    assertEquals(302, notFollowed.status());
    assertNull(notFollowed.finalUrl());
  }

  @Test
  void retryableStatusesAreRetriedAndAttemptsCounted() throws Exception {
    PoolSettings retrying =
        pool(2).withRetry(pool(2).retry().withMaxRetries(3).withBackoff(Duration.ofMillis(10)));
    List<Outcome<FetchResponse>> outcomes =
        fetchAll(
            retrying,
            fetch(),
            List.of(url("/flaky/a/2"), url("/flaky/b/5"), url("/retry-after/c/0")));
    FetchResponse recovered = outcomes.get(0).getOrThrow();
    assertEquals(200, recovered.status());
    assertEquals(3, recovered.attempts());
    FetchResponse exhausted = outcomes.get(1).getOrThrow();
    assertEquals(503, exhausted.status(), "retries spent: the last response is the result");
    assertEquals(4, exhausted.attempts());
    assertEquals(2, outcomes.get(2).getOrThrow().attempts());
  }

  @Test
  void aHostAtItsPerHostLimitDoesNotDelayAnotherHost() throws Exception {
    // 127.0.0.1 and localhost are different hosts to the limit, though it is the same server.
    String other = "http://localhost:" + server.port();
    PoolSettings onePerHost = pool(4).withMaxPerKey(1);
    // The busy host's first request never answers; the other host's request is fetched
    // meanwhile, while the busy host's second and third wait for the first.
    try (Fetcher fetcher = Fetcher.create(testKit.system(), onePerHost, fetch())) {
      Outcome<FetchResponse> first =
          fetcher
              .asCompleted(
                  List.of(
                      FetchRequest.get(url("/hang")),
                      FetchRequest.get(url("/get")),
                      FetchRequest.get(url("/get")),
                      FetchRequest.get(other + "/get")))
              .runWith(Sink.head(), testKit.system())
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      assertEquals(3, first.index(), "the other host's request comes first");
      assertEquals(200, first.getOrThrow().status());
      // The hanging request may reach the server after the other host's answer: each fetch
      // starts on the executor, so only the router's decision has an order.
      testKit
          .createTestProbe()
          .awaitAssert(
              Duration.ofSeconds(10),
              () -> {
                assertTrue(
                    server.stats().requests() >= 2, "the busy host's first reaches the server");
                return null;
              });
      assertEquals(
          2, server.stats().requests(), "the busy host's others still wait behind its first");
    }
  }

  @Test
  void failFastCancelsTheRestAndEveryUrlStillGetsOneOutcome() throws Exception {
    List<FetchRequest> requests = new ArrayList<>();
    requests.add(FetchRequest.get("htp://bad").withId("0"));
    for (int i = 1; i < 30; i++) {
      requests.add(FetchRequest.get(url("/delay/0.3")).withId(Integer.toString(i)));
    }
    try (Fetcher fetcher = Fetcher.create(testKit.system(), pool(3), fetch())) {
      List<Completed<FetchRequest, FetchResponse>> fetched =
          Source.from(requests)
              .via(fetcher.flow(Order.INPUT, 8, GatherOptions.defaults().withFailFast(true)))
              .runWith(Sink.seq(), testKit.system())
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      assertEquals(30, fetched.size());
      assertEquals(FetchErrorKind.INVALID_URL, failure(fetched.get(0).outcome()).kind());
      for (int i = 1; i < 30; i++) {
        assertEquals(Integer.toString(i), fetched.get(i).request().id());
        assertEquals(ErrorKind.CANCELLED, failure(fetched.get(i).outcome()).kind(), "url " + i);
      }
    }
  }

  @Test
  void aMixedListGetsExactlyOneOutcomePerUrl() throws Exception {
    List<String> urls = new ArrayList<>();
    List<Function<Integer, String>> kinds =
        List.of(
            i -> url("/get"),
            i -> url("/status/500"),
            i -> "htp://x" + i,
            i -> url("/bytes/" + i),
            i -> url("/delay/0.05"));
    for (int i = 0; i < 50; i++) {
      urls.add(kinds.get(i % kinds.size()).apply(i));
    }
    List<Outcome<FetchResponse>> outcomes = fetchAll(pool(8), fetch(), urls);
    BitSet seen = new BitSet();
    for (int i = 0; i < outcomes.size(); i++) {
      assertEquals(i, outcomes.get(i).index());
      seen.set(outcomes.get(i).index());
    }
    assertEquals(50, seen.cardinality());
  }
}
