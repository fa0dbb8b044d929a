package io.fetchpipe.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.cluster.ClusterPool;
import io.fetchpipe.cluster.fetch.ClusterFetch;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.http.FetchRequest;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.testing.ClusterNodes;
import io.fetchpipe.testkit.EmbeddedServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Metrics are per node: over a two-node cluster, the coordinating node's registry has the pool's
 * meters (the whole job's outcomes), the fetching node's has its workers' attempts and its
 * connections, all tagged with the pool's name.
 */
class ClusterMetricsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @RegisterExtension static final EmbeddedServerExtension server = EmbeddedServerExtension.create();

  private final ClusterNodes nodes =
      new ClusterNodes(
          // The nodes stop together at the end: no need to leave the cluster one by one first.
          "pekko.coordinated-shutdown.run-by-actor-system-terminate = off",
          "pekko.cluster.gossip-interval = 200ms");

  private ActorSystem<?> node() {
    return nodes.start();
  }

  @AfterEach
  void stopNodes() {
    nodes.close();
  }

  @Test
  void theCoordinatorCountsThePoolsOutcomesAndTheWorkerNodeItsAttemptsAndConnections()
      throws Exception {
    ActorSystem<?> coordinator = node();
    ActorSystem<?> worker = node();
    for (ActorSystem<?> system : List.of(coordinator, worker)) {
      Cluster.get(system)
          .manager()
          .tell(Join.create(Cluster.get(coordinator).selfMember().address()));
    }
    nodes
        .kit(0)
        .createTestProbe()
        .awaitAssert(
            WAIT,
            () -> {
              assertEquals(
                  2,
                  StreamSupport.stream(
                          Cluster.get(worker).state().getMembers().spliterator(), false)
                      .filter(member -> member.status() == MemberStatus.up())
                      .count());
              return null;
            });
    SimpleMeterRegistry coordinatorMeters = new SimpleMeterRegistry();
    SimpleMeterRegistry workerMeters = new SimpleMeterRegistry();
    try (FetchpipeMetrics atCoordinator = FetchpipeMetrics.of(coordinator);
        FetchpipeMetrics atWorker = FetchpipeMetrics.of(worker)) {
      atCoordinator.bindTo(coordinatorMeters);
      atWorker.bindTo(workerMeters);
      ClusterFetch.offerWorkers(worker, 4);
      ClusterPool<FetchRequest, FetchResponse> pool =
          ClusterFetch.pool(
              coordinator, PoolSettings.create(coordinator), FetchSettings.create(coordinator));
      String name = pool.name();
      assertTrue(pool.awaitOtherNodes(1, WAIT), "the worker node joined the pool");
      List<FetchRequest> requests = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        requests.add(FetchRequest.get(server.url(i % 2 == 0 ? "/get" : "/status/503")));
      }
      List<Outcome<FetchResponse>> outcomes =
          pool.gather(requests).toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertEquals(6, outcomes.stream().filter(Outcome::isSuccess).count());

      assertEquals(
          3.0,
          coordinatorMeters
              .get("fetchpipe.pool.outcomes")
              .tags("pool", name, "status", "2xx")
              .counter()
              .count());
      assertEquals(
          3.0,
          coordinatorMeters
              .get("fetchpipe.pool.outcomes")
              .tags("pool", name, "status", "5xx")
              .counter()
              .count());
      assertNull(
          coordinatorMeters.find("fetchpipe.workers.started").counter(),
          "the coordinator fetched nothing");
      assertEquals(
          6.0, workerMeters.get("fetchpipe.workers.started").tag("pool", name).counter().count());
      assertEquals(
          3.0,
          workerMeters
              .get("fetchpipe.workers.outcomes")
              .tags("pool", name, "status", "5xx")
              .counter()
              .count());
      assertEquals(
          6, workerMeters.get("fetchpipe.workers.latency").tag("pool", name).timer().count());
      assertNotNull(
          workerMeters.find("fetchpipe.http.connections.open").tag("pool", name).gauge(),
          "the worker node's connections for the pool");
      assertNull(
          workerMeters.find("fetchpipe.pool.outcomes").counter(),
          "no pool's router on the worker node");
      pool.close();
    }
  }
}
