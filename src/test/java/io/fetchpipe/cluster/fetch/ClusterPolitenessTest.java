package io.fetchpipe.cluster.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.cluster.ClusterPool;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.http.FetchErrorKind;
import io.fetchpipe.http.FetchRequest;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.testing.ClusterNodes;
import io.fetchpipe.testing.PoliteServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Politeness over a cluster: the coordinator decides, the fetching happens on another node. The
 * host's robots.txt is fetched there once and its rules hold for every URL, and a 429 with
 * Retry-After that the other node got pauses the host for the whole cluster.
 */
class ClusterPolitenessTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final ClusterNodes nodes = new ClusterNodes();

  private ActorSystem<?> node() {
    return nodes.start();
  }

  @AfterEach
  void stop() {
    nodes.close();
  }

  /**
   * robots.txt disallows /private; the first request to /page/0 is answered 429, Retry-After: 1.
   */
  private static PoliteServer.Policy robotsAndOneRefusal() {
    AtomicBoolean refused = new AtomicBoolean();
    PoliteServer.Policy robots = PoliteServer.robots(200, "User-agent: *\nDisallow: /private\n");
    return (host, path, nanos) ->
        path.equals("/page/0") && refused.compareAndSet(false, true)
            ? CompletableFuture.completedFuture(
                HttpResponse.create()
                    .withStatus(429)
                    .addHeader(RawHeader.create("Retry-After", "1")))
            : robots.answer(host, path, nanos);
  }

  @Test
  void robotsAndPausesHoldForTheWholeClusterWhereverTheFetchRan() throws Exception {
    ActorSystem<?> coordinator = node();
    ActorSystem<?> fetching = node();
    Cluster.get(coordinator)
        .manager()
        .tell(Join.create(Cluster.get(coordinator).selfMember().address()));
    Cluster.get(fetching)
        .manager()
        .tell(Join.create(Cluster.get(coordinator).selfMember().address()));
    ActorTestKit servers = nodes.startOutside("servers");
    servers
        .createTestProbe()
        .awaitAssert(
            WAIT,
            () -> {
              assertEquals(MemberStatus.up(), Cluster.get(fetching).selfMember().status());
              return null;
            });

    try (PoliteServer server = PoliteServer.start(servers.system(), robotsAndOneRefusal())) {
      ClusterFetch.offerWorkers(fetching, 4);
      // One request at a time to the host: the 429 is known before the next start is decided.
      PoolSettings adaptive = PoolSettings.create(coordinator).withAdaptive(true).withMaxPerKey(1);
      ClusterPool<FetchRequest, FetchResponse> pool =
          ClusterFetch.pool(
              coordinator, adaptive, FetchSettings.create(coordinator).withRobots(true));
      assertTrue(pool.awaitOtherNodes(1, WAIT), "the fetching node joined");
      List<String> urls = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        urls.add(server.url("/page/" + i));
        urls.add(server.url("/private/" + i));
      }

      List<Outcome<FetchResponse>> outcomes =
          pool.gather(urls.stream().map(FetchRequest::get).toList())
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
      pool.close();

      for (int i = 0; i < urls.size(); i += 2) {
        assertEquals(200, outcomes.get(i).getOrThrow().status(), urls.get(i));
        Outcome.Failure<FetchResponse> refused =
            (Outcome.Failure<FetchResponse>) outcomes.get(i + 1);
        assertEquals(FetchErrorKind.ROBOTS, refused.kind());
      }
      List<PoliteServer.Arrival> arrivals = server.arrivals();
      assertEquals(
          1,
          arrivals.stream().filter(arrival -> arrival.path().equals("/robots.txt")).count(),
          "" + arrivals);
      assertTrue(
          arrivals.stream().noneMatch(arrival -> arrival.path().startsWith("/private")),
          "" + arrivals);
      PoliteServer.Arrival throttled =
          arrivals.stream().filter(arrival -> arrival.status() == 429).findFirst().orElseThrow();
      PoliteServer.Arrival next = arrivals.get(arrivals.indexOf(throttled) + 1);
      assertTrue(
          next.nanos() - throttled.nanos() >= TimeUnit.SECONDS.toNanos(1),
          "nothing reached the host in the second it asked for: " + arrivals);
    }
  }
}
