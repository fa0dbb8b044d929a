package io.fetchpipe.cluster.fetch;

import io.fetchpipe.cluster.ClusterPayloads;
import io.fetchpipe.cluster.ClusterPool;
import io.fetchpipe.cluster.ClusterWorkers;
import io.fetchpipe.cluster.WorkerFactory;
import io.fetchpipe.core.JobHandler;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.core.internal.Part;
import io.fetchpipe.http.FetchRequest;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.internal.FetchClient;
import io.fetchpipe.http.internal.HttpHostPolicy;
import io.fetchpipe.http.internal.ObservedClient;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Fetching over a Pekko Cluster: {@link #pool} on the node that coordinates, {@link #offerWorkers}
 * on every node that fetches. The pool sends its fetch settings to each node, so every node fetches
 * alike; each node keeps its own connections. Bodies travel back in memory (read them as bytes or
 * text), up to {@code max-body} each: Artery must be allowed frames that large (see
 * docs/cluster.md). Both methods register how fetch requests, responses and failures cross nodes
 * with the {@link ClusterPayloads} of the actor system they are given.
 */
public final class ClusterFetch {
  /** The kind of job fetchers offer and fetch pools ask for. */
  public static final String KIND = "fetch";

  private ClusterFetch() {}

  /**
   * A fetch pool over the cluster. {@code poolSettings} hold for the whole cluster, as {@link
   * ClusterPool#create} says: {@code max-concurrency} caps the fetches in flight on all nodes
   * together, per-key limits and rates count per host; each attempt's timeout is {@code
   * fetchSettings}' timeout.
   */
  public static ClusterPool<FetchRequest, FetchResponse> pool(
      ActorSystem<?> system, PoolSettings poolSettings, FetchSettings fetchSettings) {
    FetchPayloads.register(system);
    return ClusterPool.create(
        system,
        poolSettings.withTaskTimeout(fetchSettings.timeout()),
        KIND,
        fetchSettings.toConfig(),
        hostPolicy(fetchSettings));
  }

  /**
   * Hosts as keys, and what the fetches' outcomes say about them (and robots.txt, when obeyed): the
   * coordinator's router reads them, so adaptive limits and robots hold for the cluster.
   */
  @SuppressWarnings("unchecked")
  private static Function<FetchRequest, Object> hostPolicy(FetchSettings fetchSettings) {
    return (Function<FetchRequest, Object>) (Function<?, ?>) new HttpHostPolicy(fetchSettings);
  }

  /** Offers {@code slots} fetch workers of this node to every fetch pool of the cluster. */
  public static ClusterWorkers.Offer offerWorkers(ActorSystem<?> system, int slots) {
    FetchPayloads.register(system);
    return ClusterWorkers.offer(
        system,
        KIND,
        slots,
        config ->
            serve(
                system,
                slots,
                FetchSettings.create(config),
                config.hasPath(WorkerFactory.POOL_NAME)
                    ? config.getString(WorkerFactory.POOL_NAME)
                    : KIND));
  }

  private static WorkerFactory.Serving<FetchRequest, FetchResponse> serve(
      ActorSystem<?> system, int slots, FetchSettings settings, String poolName) {
    FetchClient client = FetchClient.start(system, slots, slots, settings);
    Part connections = ObservedClient.register(system, poolName, client);
    return new WorkerFactory.Serving<>() {
      @Override
      public JobHandler<FetchRequest, FetchResponse> handler() {
        return client.handler();
      }

      @Override
      public CompletionStage<Done> stop() {
        return client.close().whenComplete((done, error) -> connections.close());
      }
    };
  }
}
