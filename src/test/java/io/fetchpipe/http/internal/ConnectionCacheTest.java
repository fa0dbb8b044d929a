package io.fetchpipe.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.GatherFailedException;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.core.RetryableFailure;
import io.fetchpipe.core.TaskContext;
import io.fetchpipe.core.internal.ExternalWork;
import io.fetchpipe.core.internal.SendGate;
import io.fetchpipe.http.FetchErrorKind;
import io.fetchpipe.http.FetchFailure;
import io.fetchpipe.http.FetchRequest;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.Fetcher;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The connection cache's own behaviour, against raw servers on 127.0.0.1 that see every connection
 * ({@link CountingServer}): reuse of a kept-alive connection, the newest first, the limits per host
 * and overall, the idle cap, a server that closes an idle connection, a connection that dies
 * mid-body or is abandoned mid-body, {@code close()} with requests in flight, names that do not
 * resolve, and the gate between a ready connection and the request. Nothing here depends on timing:
 * every wait is for something the server or the client reports.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectionCacheTest {
  private static final long WAIT = 20;

  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private Materializer materializer;
  private NameResolver names;

  @BeforeEach
  void start() {
    materializer = Materializer.createMaterializer(testKit.system());
    names =
        new NameResolver(
            ConnectionCacheTest::knownNames,
            System::nanoTime,
            Duration.ofMinutes(1),
            Duration.ofMinutes(1),
            2);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : toClose) {
      closeable.close();
    }
    toClose.clear();
    names.close();
    materializer.shutdown();
  }

  /**
   * The names these tests know: {@code known.test} and its subdomains are 127.0.0.1; no other name
   * is.
   */
  private static InetAddress knownNames(String host) throws UnknownHostException {
    if (host.equals("known.test") || host.endsWith(".known.test")) {
      return InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1});
    }
    throw new UnknownHostException("no such name");
  }

  private CountingServer server() throws Exception {
    CountingServer server = CountingServer.start();
    toClose.add(server);
    return server;
  }

  private ConnectionCache cache(int maxConnections, int maxPerHost, int maxIdle) {
    ConnectionCache cache =
        new ConnectionCache(
            testKit.system(),
            materializer,
            testKit.system().executionContext(),
            ClientConnectionSettings.create(testKit.system().classicSystem()),
            Network.direct(
                names, Http.get(testKit.system()).defaultClientHttpsContext(), materializer),
            maxConnections,
            maxPerHost,
            maxIdle);
    toClose.add(
        () ->
            cache
                .shutdown(Duration.ofMillis(100))
                .toCompletableFuture()
                .get(WAIT, TimeUnit.SECONDS));
    return cache;
  }

  private HttpFetchHandler handler(
      ConnectionLayer connections, FetchSettings settings, SendGate gate) {
    return new HttpFetchHandler(
        settings,
        connections,
        new HostBreakers(testKit.system().classicSystem().scheduler(), 0, Duration.ofSeconds(1)),
        gate,
        materializer,
        testKit.system().executionContext(),
        ExternalWork.NONE);
  }

  private HttpFetchHandler handler(ConnectionLayer connections) {
    return handler(connections, settings(), SendGate.unlimited(testKit.system()));
  }

  private FetchSettings settings() {
    return FetchSettings.create(testKit.system());
  }

  private static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT, TimeUnit.SECONDS);
  }

  /** Sends {@code path} on the connection and reads the body to its end. */
  private String exchange(ConnectionLayer.Connection connection, String path) throws Exception {
    HttpResponse response = get(connection.send(HttpRequest.create(path)));
    return get(response.entity().toStrict(10_000, materializer)).getData().utf8String();
  }

  /** What a fetch failed with, as its outcome reports it. */
  private static FetchFailure failure(CompletionStage<FetchResponse> fetch) throws Exception {
    try {
      FetchResponse response = get(fetch);
      return fail("expected a failure, got status " + response.status());
    } catch (ExecutionException e) {
      Throwable error = ErrorKind.unwrap(e);
      if (error instanceof RetryableFailure retryable) {
        error = retryable.finalError();
      }
      assertTrue(error instanceof FetchFailure, "expected a FetchFailure, got " + error);
      return (FetchFailure) error;
    }
  }

  private static CompletionStage<FetchResponse> fetch(HttpFetchHandler handler, String url) {
    return handler.handle(FetchRequest.get(url), TaskContext.firstAttempt(0));
  }

  @Test
  void aKeptAliveConnectionCarriesTheNextRequest() throws Exception {
    CountingServer server = server();
    ConnectionCache cache = cache(4, 4, 4);
    ConnectionLayer.Connection first = get(cache.acquire(server.target("/ok"), false));
    assertEquals("ok", exchange(first, "/ok"));
    assertFalse(first.reused());
    first.release(true);
    ConnectionLayer.Connection second = get(cache.acquire(server.target("/ok"), false));
    assertSame(first, second, "the idle connection is handed out again");
    assertEquals("ok", exchange(second, "/ok"));
    assertTrue(second.reused());
    second.release(true);
    assertEquals(1, server.accepted());
    assertEquals(List.of("/ok", "/ok"), server.paths(0));
    assertEquals(1, cache.openConnections());
  }

  @Test
  void theMostRecentlyUsedIdleConnectionIsReusedFirst() throws Exception {
    CountingServer server = server();
    ConnectionCache cache = cache(4, 4, 4);
    ConnectionLayer.Connection older = get(cache.acquire(server.target("/ok"), false));
    ConnectionLayer.Connection newer = get(cache.acquire(server.target("/ok"), false));
    exchange(older, "/ok");
    exchange(newer, "/ok");
    older.release(true);
    newer.release(true);
    assertSame(newer, get(cache.acquire(server.target("/ok"), false)));
    assertSame(older, get(cache.acquire(server.target("/ok"), false)));
    assertEquals(2, server.accepted());
  }

  @Test
  void aFreshAcquisitionOpensANewConnectionWhateverIsIdle() throws Exception {
    CountingServer server = server();
    ConnectionCache cache = cache(4, 4, 4);
    ConnectionLayer.Connection idle = get(cache.acquire(server.target("/ok"), false));
    exchange(idle, "/ok");
    idle.release(true);
    ConnectionLayer.Connection fresh = get(cache.acquire(server.target("/ok"), true));
    assertNotSame(idle, fresh);
    exchange(fresh, "/ok");
    assertEquals(2, server.accepted());
  }

  @Test
  void aHostNeverHasMoreConnectionsInUseThanItsLimit() throws Exception {
    CountingServer server = server();
    ConnectionCache cache = cache(8, 2, 8);
    ConnectionLayer.Connection a = get(cache.acquire(server.target("/ok"), false));
    ConnectionLayer.Connection b = get(cache.acquire(server.target("/ok"), false));
    CompletionStage<ConnectionLayer.Connection> third = cache.acquire(server.target("/ok"), false);
    assertFalse(third.toCompletableFuture().isDone(), "a third connection to the host waits");
    exchange(a, "/ok");
    a.release(true);
    assertSame(a, get(third), "the waiting request gets the connection given back");
    exchange(b, "/ok");
    assertEquals(2, server.accepted());
  }

  @Test
  void theOverallLimitHoldsAcrossHostsAndAWaitingRequestOpensWhenASlotFrees() throws Exception {
    CountingServer one = server();
    CountingServer other = server();
    ConnectionCache cache = cache(2, 2, 8);
    ConnectionLayer.Connection a = get(cache.acquire(one.target("/ok"), false));
    ConnectionLayer.Connection b = get(cache.acquire(one.target("/ok"), false));
    CompletionStage<ConnectionLayer.Connection> waiting = cache.acquire(other.target("/ok"), false);
    assertFalse(waiting.toCompletableFuture().isDone(), "two connections are in use: the limit");
    a.release(false);
    ConnectionLayer.Connection c = get(waiting);
    assertEquals("ok", exchange(c, "/ok"));
    assertEquals(1, other.accepted());
    b.release(false);
  }

  @Test
  void pastTheIdleCapTheLongestIdleConnectionCloses() throws Exception {
    CountingServer a = server();
    CountingServer b = server();
    CountingServer c = server();
    ConnectionCache cache = cache(4, 4, 2);
    for (CountingServer server : List.of(a, b, c)) {
      ConnectionLayer.Connection connection = get(cache.acquire(server.target("/ok"), false));
      exchange(connection, "/ok");
      connection.release(true);
    }
    a.await("the longest idle connection closed", () -> a.open() == 0);
    assertEquals(2, cache.idleConnections());
    assertEquals(1, b.open());
    assertEquals(1, c.open());
    exchange(get(cache.acquire(b.target("/ok"), false)), "/ok");
    assertEquals(1, b.accepted(), "a kept connection is reused");
    exchange(get(cache.acquire(a.target("/ok"), false)), "/ok");
    assertEquals(2, a.accepted(), "the closed one is not");
  }

  @Test
  void idleConnectionsCloseAfterTwoSweeps() throws Exception {
    CountingServer server = server();
    ConnectionCache cache = cache(4, 4, 4);
    ConnectionLayer.Connection connection = get(cache.acquire(server.target("/ok"), false));
    exchange(connection, "/ok");
    connection.release(true);
    cache.sweep();
    assertEquals(1, cache.idleConnections(), "idle for less than a sweep interval: kept");
    cache.sweep();
    server.await("the idle connection closed", () -> server.open() == 0);
    assertEquals(0, cache.idleConnections());
  }

  @Test
  void theIdleCapGrowsForHostsThatComeBackAndShrinksForHostsThatDoNot() throws Exception {
    CountingServer server = server(); // many host names, one server: each name is a host of its own
    ConnectionCache cache = cache(8, 8, 50);
    assertEquals(ConnectionCache.IDLE_FLOOR, cache.idleCap(), "the cap starts at the floor");
    // 40 hosts in turn: the first round closes the 8 longest idle connections past the floor of 32;
    // when their hosts come back the cap grows for each, so the third round reuses all 40.
    for (int round = 0; round < 3; round++) {
      for (int host = 0; host < 40; host++) {
        visit(cache, "http://h" + host + ".known.test:" + server.port() + "/ok");
      }
    }
    assertEquals(40, cache.idleCap());
    assertEquals(48, server.accepted(), "40 connections, and 8 opened again once");
    // 100 hosts never seen again: their connections are closed unused, and the cap goes back down.
    for (int host = 100; host < 200; host++) {
      visit(cache, "http://h" + host + ".known.test:" + server.port() + "/ok");
    }
    assertEquals(ConnectionCache.IDLE_FLOOR, cache.idleCap());
    assertEquals(ConnectionCache.IDLE_FLOOR, cache.idleConnections());
  }

  @Test
  void belowTheFloorMaxIdleIsTheCap() {
    assertEquals(3, cache(8, 8, 3).idleCap());
    assertEquals(0, cache(8, 8, 0).idleCap());
  }

  private void visit(ConnectionCache cache, String url) throws Exception {
    ConnectionLayer.Connection connection = get(cache.acquire(TargetUrl.parse(url), false));
    assertEquals("ok", exchange(connection, "/ok"));
    connection.release(true);
  }

  @Test
  void aConnectionTheServerClosedWhileIdleDoesNotFailTheNextRequest() throws Exception {
    CountingServer server = server();
    ConnectionCache cache = cache(4, 4, 4);
    HttpFetchHandler handler = handler(cache);
    assertEquals(200, get(fetch(handler, server.url("/ok"))).status());
    // The client may or may not have seen the close when the next request goes: noticed, the
    // connection is gone from the cache; not yet, the request fails on it and goes again on a
    // new one. Either way every request succeeds, each on a new connection.
    for (int round = 1; round <= 10; round++) {
      server.closeIdleConnections();
      int expected = round;
      server.await(
          "the idle connection closed", () -> server.open() == 0 && server.accepted() == expected);
      assertEquals(200, get(fetch(handler, server.url("/ok"))).status(), "round " + round);
    }
    assertEquals(11, server.accepted());
  }

  @Test
  void aResponseThatClosesItsConnectionLeavesNothingToReuse() throws Exception {
    CountingServer server = server();
    ConnectionCache cache = cache(4, 4, 4);
    HttpFetchHandler handler = handler(cache);
    assertEquals(200, get(fetch(handler, server.url("/close"))).status());
    assertEquals(200, get(fetch(handler, server.url("/ok"))).status());
    assertEquals(2, server.accepted());
    assertEquals(List.of("/close"), server.paths(0));
  }

  @Test
  void aConnectionThatDiesMidBodyFailsAsIoAndIsNotReused() throws Exception {
    CountingServer server = server();
    ConnectionCache cache = cache(4, 4, 4);
    HttpFetchHandler handler = handler(cache);
    FetchFailure failure = failure(fetch(handler, server.url("/die-mid-body")));
    assertEquals(FetchErrorKind.IO, failure.kind());
    assertEquals(200, get(fetch(handler, server.url("/ok"))).status());
    assertEquals(2, server.accepted());
    assertEquals(List.of("/ok"), server.paths(1));
  }

  @Test
  void aResponseAbandonedMidBodyClosesItsConnection() throws Exception {
    CountingServer server = server();
    ConnectionCache cache = cache(4, 4, 4);
    HttpFetchHandler handler = handler(cache);
    TaskContext context = TaskContext.firstAttempt(0);
    CompletableFuture<Runnable> cancel = new CompletableFuture<>();
    CompletionStage<FetchResponse> stalled =
        handler.handle(
            FetchRequest.get(server.url("/stall-mid-body")),
            new CancellableContext(context, cancel));
    server.await("the request", () -> server.answering() == 1);
    cancel.get(WAIT, TimeUnit.SECONDS).run(); // as the attempt's timeout does
    server.await("the abandoned connection closed", () -> server.open() == 0);
    stalled.toCompletableFuture().handle((response, error) -> null).get(WAIT, TimeUnit.SECONDS);
    assertEquals(200, get(fetch(handler, server.url("/ok"))).status());
    assertEquals(2, server.accepted(), "the abandoned connection was not reused");
    assertEquals(1, cache.openConnections());
  }

  @Test
  void closingEndsEveryConnectionAndEveryWaitingRequestGetsItsOutcome() throws Exception {
    CountingServer server = server();
    ConnectionCache cache = cache(3, 3, 4);
    HttpFetchHandler handler = handler(cache);
    assertEquals(200, get(fetch(handler, server.url("/ok"))).status()); // one idle connection
    List<CompletionStage<FetchResponse>> hanging = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      hanging.add(fetch(handler, server.url("/hang")));
    }
    server.await("three hanging requests", () -> server.answering() == 3);
    CompletionStage<FetchResponse> waiting =
        fetch(handler, server.url("/ok")); // past the limit of 3
    get(cache.shutdown(Duration.ofMillis(100)));
    for (CompletionStage<FetchResponse> request : hanging) {
      assertEquals(FetchErrorKind.IO, failure(request).kind());
    }
    assertTrue(
        failure(waiting).getMessage().contains("closed"), "the waiting request fails: closed");
    server.await("every connection closed", () -> server.open() == 0);
    assertEquals(0, cache.openConnections());
    assertTrue(
        cache
            .acquire(server.target("/ok"), false)
            .toCompletableFuture()
            .isCompletedExceptionally());
  }

  @Test
  void closingAFetcherGivesEveryRequestInFlightItsOutcomeAndClosesEveryConnection()
      throws Exception {
    CountingServer server = server();
    Fetcher fetcher =
        Fetcher.create(
            testKit.system(),
            PoolSettings.create(testKit.system()).withMaxConcurrency(4),
            settings().withCloseGrace(Duration.ofMillis(100)));
    assertEquals(200, get(fetcher.fetch(server.url("/ok"))).status()); // one idle connection
    List<CompletionStage<FetchResponse>> inFlight = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      inFlight.add(fetcher.fetch(server.url("/hang")));
    }
    server.await("four requests in flight", () -> server.answering() == 4);
    fetcher.close();
    for (CompletionStage<FetchResponse> request : inFlight) {
      ExecutionException ended = assertThrows(ExecutionException.class, () -> get(request));
      assertTrue(
          ended.getCause() instanceof GatherFailedException, String.valueOf(ended.getCause()));
      assertEquals(
          ErrorKind.CANCELLED, ((GatherFailedException) ended.getCause()).failure().kind());
    }
    server.await("every connection closed", () -> server.open() == 0);
    assertEquals(0, fetcher.openConnections());
    assertEquals(4, server.accepted());
  }

  @Test
  void aNameThatDoesNotResolveFailsAsConnectNamingTheHost() throws Exception {
    CountingServer server = server();
    ConnectionCache cache = cache(4, 4, 4);
    HttpFetchHandler handler = handler(cache);
    FetchFailure failure = failure(fetch(handler, "http://nowhere.test:" + server.port() + "/ok"));
    assertEquals(FetchErrorKind.CONNECT, failure.kind());
    assertTrue(failure.getMessage().contains("nowhere.test"), failure.getMessage());
    // Again: the failure is the resolver's cached one now, known at once.
    FetchFailure again = failure(fetch(handler, "http://nowhere.test:" + server.port() + "/again"));
    assertEquals(FetchErrorKind.CONNECT, again.kind(), again.getMessage());
    assertEquals(200, get(fetch(handler, "http://known.test:" + server.port() + "/ok")).status());
    assertEquals(1, cache.openHosts(), "only the host that resolved has a connection");
  }

  @Test
  void theGateHoldsTheRequestOnItsReadyConnectionAndARefusalWritesNothing() throws Exception {
    CountingServer server = server();
    ConnectionCache cache = cache(4, 4, 0); // no idle connection kept: each request opens one
    SendGate gate = SendGate.unlimited(testKit.system());
    // The host's requests leave an hour apart: the first goes at once, the second waits at the
    // gate.
    gate.crawlDelay(TargetUrl.parse(server.url("/ok")).hostKey(), Duration.ofHours(1));
    HttpFetchHandler handler = handler(cache, settings(), gate);
    assertEquals(200, get(fetch(handler, server.url("/ok"))).status());
    CompletionStage<FetchResponse> held = fetch(handler, server.url("/held"));
    server.await("the second connection", () -> server.accepted() == 2);
    assertEquals(List.of(), server.paths(1), "connected, nothing written");
    assertFalse(held.toCompletableFuture().isDone());
    gate.close(); // the fetcher closes: what waits at the gate fails without being written
    assertThrows(ExecutionException.class, () -> get(held));
    assertEquals(List.of("/ok"), server.paths(0));
    assertEquals(List.of(), server.paths(1), "the held request was never written");
  }

  /** A first attempt whose cancellation the test triggers: the hook it registers is handed over. */
  private record CancellableContext(TaskContext first, CompletableFuture<Runnable> hook)
      implements TaskContext {
    @Override
    public int index() {
      return first.index();
    }

    @Override
    public int attempt() {
      return first.attempt();
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public Optional<ErrorKind> cancellation() {
      return Optional.of(ErrorKind.TIMEOUT);
    }

    @Override
    public void onCancel(Runnable onCancel) {
      hook.complete(onCancel);
    }
  }
}
