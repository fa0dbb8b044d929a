package io.fetchpipe.cli;

import io.fetchpipe.cluster.ClusterPool;
import io.fetchpipe.cluster.ClusterWorkers;
import io.fetchpipe.cluster.fetch.ClusterFetch;
import io.fetchpipe.core.JobPool;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.http.FetchRequest;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.FetchSettings;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;

/**
 * Fetching over a cluster this process coordinates: it is the seed node, offers its own {@code -c}
 * workers unless told not to, and starts once enough worker nodes have joined. Its pool's limits
 * (per host, rates) hold for the whole cluster.
 */
final class ClusterBackend implements FetchBackend {
  private final ActorSystem<?> system;
  private final ClusterPool<FetchRequest, FetchResponse> pool;
  private final ClusterWorkers.Offer localWorkers;

  private ClusterBackend(
      ActorSystem<?> system,
      ClusterPool<FetchRequest, FetchResponse> pool,
      ClusterWorkers.Offer localWorkers) {
    this.system = system;
    this.pool = pool;
    this.localWorkers = localWorkers;
  }

  /**
   * Starts the pool and waits for {@code minWorkers} worker nodes, or until the process is stopping
   * (the system terminates first).
   */
  static ClusterBackend start(
      ActorSystem<?> system,
      PoolSettings pool,
      FetchSettings fetch,
      ClusterOptions options,
      Console console,
      boolean quiet) {
    ClusterWorkers.Offer local =
        options.noLocal() ? null : ClusterFetch.offerWorkers(system, pool.maxConcurrency());
    // -c is per node (each node's slots): the cluster as a whole has no cap of its own.
    PoolSettings wholeCluster = pool.withMaxConcurrency(Integer.MAX_VALUE);
    ClusterBackend backend =
        new ClusterBackend(system, ClusterFetch.pool(system, wholeCluster, fetch), local);
    CompletableFuture<Object> joined =
        CompletableFuture.anyOf(
            backend.pool.awaitOtherNodes(options.minWorkers()).toCompletableFuture(),
            system.getWhenTerminated().toCompletableFuture());
    if (!joined.isDone() && !quiet) {
      console
          .err()
          .println(
              "fetchpipe: coordinating at "
                  + options.address()
                  + "; waiting for "
                  + options.minWorkers()
                  + (options.minWorkers() == 1 ? " worker" : " workers")
                  + " to join");
    }
    try {
      joined.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw RunFailure.of(e.getCause());
    }
    return backend;
  }

  @Override
  public JobPool<FetchRequest, FetchResponse> pool() {
    return pool;
  }

  @Override
  public boolean savesHere() {
    return true;
  }

  @Override
  public void close() {
    pool.close();
    if (localWorkers != null) {
      try {
        localWorkers
            .withdraw()
            .toCompletableFuture()
            .get(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        // The process ends next; workers that did not drain stop with it.
      }
    }
    downUnreachable();
  }

  /**
   * The job is over and this node leaves next, which needs every other member to agree or be down:
   * a node still unreachable (a worker that died, its requests long run elsewhere) would hold the
   * leaving up until Pekko's exit timeouts (10 s and more). Downed now, it is out of the way; if it
   * was alive after all, it starts afresh and joins the next coordinator.
   */
  private void downUnreachable() {
    Cluster cluster = Cluster.get(system);
    for (Member member : cluster.state().getUnreachable()) {
      cluster.manager().tell(new Down(member.address()));
    }
  }
}
