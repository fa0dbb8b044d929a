package io.fetchpipe.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.testing.PoliteServer;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A fetcher that obeys robots.txt, judged by what the server saw: the host's robots.txt is fetched
 * once before anything else, disallowed URLs are never requested and fail with kind {@code robots}
 * without an attempt, Crawl-delay spaces the requests as they arrive, a 4xx robots.txt allows
 * everything and a 5xx one (or none at all) disallows everything.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RobotsFetchTest {
  private static final int WAIT_SECONDS = 30;

  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private List<Outcome<FetchResponse>> fetchAll(List<String> urls) throws Exception {
    PoolSettings eightAtOnce = PoolSettings.create(testKit.system()).withMaxConcurrency(8);
    FetchSettings obeying = FetchSettings.create(testKit.system()).withRobots(true);
    try (Fetcher fetcher = Fetcher.create(testKit.system(), eightAtOnce, obeying)) {
      return fetcher.fetchAll(urls).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
  }

  private static List<String> paths(PoliteServer server) {
    return server.arrivals().stream().map(PoliteServer.Arrival::path).toList();
  }

  /** Asserts {@code outcome} was refused by robots.txt: kind robots, no attempt, no time. */
  private static void assertRefused(Outcome<FetchResponse> outcome) {
    Outcome.Failure<?> failure =
        assertInstanceOf(Outcome.Failure.class, outcome, outcome.toString());
    assertEquals(FetchErrorKind.ROBOTS, failure.kind(), failure.toString());
    assertEquals(0, assertInstanceOf(FetchFailure.class, failure.cause()).attempts());
    assertEquals(failure.startedAt(), failure.finishedAt(), "never started");
  }

  @Test
  void theMostSpecificGroupDecidesAndDisallowedUrlsAreNeverRequested() throws Exception {
    String robots =
        """
        User-agent: *
        Disallow: /

        # fetchpipe's own group: chosen over *, whatever its case and version
        User-agent: FetchPipe/2.0
        Disallow: /private
        Allow: /private/open$
        Disallow: /*.pdf$
        """;
    try (PoliteServer server =
        PoliteServer.start(testKit.system(), PoliteServer.robots(200, robots))) {
      List<String> paths =
          List.of(
              "/",
              "/public/a",
              "/private/x",
              "/private/open",
              "/private/open/more",
              "/docs/a.pdf",
              "/docs/a.pdf?page=2");
      List<String> urls = paths.stream().map(server::url).toList();

      List<Outcome<FetchResponse>> outcomes = fetchAll(urls);

      List<String> allowed = List.of("/", "/public/a", "/private/open", "/docs/a.pdf?page=2");
      for (int i = 0; i < paths.size(); i++) {
        if (allowed.contains(paths.get(i))) {
          assertEquals(200, outcomes.get(i).getOrThrow().status(), paths.get(i));
        } else {
          assertRefused(outcomes.get(i));
        }
      }
      List<String> seen = paths(server);
      assertEquals("/robots.txt", seen.get(0), "robots.txt first: " + seen);
      assertEquals(1, seen.stream().filter("/robots.txt"::equals).count(), "fetched once: " + seen);
      assertEquals(
          List.of("/", "/docs/a.pdf", "/private/open", "/public/a"),
          seen.subList(1, seen.size()).stream().sorted().toList(),
          "only the allowed URLs reached the server");
    }
  }

  @Test
  void crawlDelaySpacesTheHostsRequestsAsTheServerSeesThem() throws Exception {
    try (PoliteServer server =
        PoliteServer.start(
            testKit.system(), PoliteServer.robots(200, "User-agent: *\nCrawl-delay: 1\n"))) {
      List<String> urls = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        urls.add(server.url("/page/" + i));
      }

      List<Outcome<FetchResponse>> outcomes = fetchAll(urls);

      assertTrue(outcomes.stream().allMatch(Outcome::isSuccess), outcomes.toString());
      List<PoliteServer.Arrival> pages =
          server.arrivals().stream()
              .filter(arrival -> arrival.path().startsWith("/page/"))
              .toList();
      assertEquals(4, pages.size());
      for (int i = 1; i < pages.size(); i++) {
        long gap = pages.get(i).nanos() - pages.get(i - 1).nanos();
        // One second apart, less what a busy machine may add to one trip and not the next.
        assertTrue(
            gap >= TimeUnit.MILLISECONDS.toNanos(900),
            "page " + i + " came " + gap / 1_000_000 + " ms after the one before");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {403, 404})
  void aRobotsTxtThatIsNotThereAllowsEverything(int status) throws Exception {
    try (PoliteServer server =
        PoliteServer.start(testKit.system(), PoliteServer.robots(status, "nothing here"))) {
      List<Outcome<FetchResponse>> outcomes = fetchAll(List.of(server.url("/a"), server.url("/b")));

      assertEquals(200, outcomes.get(0).getOrThrow().status());
      assertEquals(200, outcomes.get(1).getOrThrow().status());
      assertEquals(List.of("/a", "/b"), paths(server).subList(1, 3).stream().sorted().toList());
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 503})
  void aRobotsTxtThatFailsDisallowsEverything(int status) throws Exception {
    try (PoliteServer server =
        PoliteServer.start(testKit.system(), PoliteServer.robots(status, "down"))) {
      List<Outcome<FetchResponse>> outcomes =
          fetchAll(List.of(server.url("/a"), server.url("/b"), server.url("/c")));

      outcomes.forEach(RobotsFetchTest::assertRefused);
      assertEquals(List.of("/robots.txt"), paths(server), "nothing but robots.txt, once");
    }
  }

  @Test
  void aHostThatCannotBeReachedIsDisallowedWithoutFurtherTries() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String host = "http://127.0.0.1:" + closedPort;

    List<Outcome<FetchResponse>> outcomes = fetchAll(List.of(host + "/a", host + "/b"));

    outcomes.forEach(RobotsFetchTest::assertRefused);
    Outcome.Failure<FetchResponse> first = (Outcome.Failure<FetchResponse>) outcomes.get(0);
    assertTrue(
        first.message().contains("robots.txt could not be fetched (connect"), first.message());
  }
}
