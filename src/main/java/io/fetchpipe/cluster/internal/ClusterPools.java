package io.fetchpipe.cluster.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.cluster.WorkerFactory;
import io.fetchpipe.core.JobPool;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.core.internal.FetchpipeExtension;
import io.fetchpipe.core.internal.PoolEngine;
import io.fetchpipe.core.internal.Pools;
import io.fetchpipe.core.internal.UniqueNames;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;

/**
 * Starts the actors behind the cluster API: a pool's router with its recruiter, a node's worker
 * host.
 */
@InternalApi
public final class ClusterPools {

  private ClusterPools() {}

  /**
   * A started cluster pool: the pool, and its recruiter once the router has spawned it.
   *
   * @param <Q> the request type
   * @param <R> the result type
   */
  public record Started<Q, R>(
      JobPool<Q, R> pool, CompletableFuture<ActorRef<Recruiter.Command>> recruiter) {}

  /**
   * Starts a pool of the kind {@code name} whose workers are recruited from the cluster's hosts.
   */
  public static <Q, R> Started<Q, R> start(
      ActorSystem<?> system,
      PoolSettings settings,
      String name,
      String handlerConfig,
      Function<Object, Object> keyOf) {
    CompletableFuture<ActorRef<Recruiter.Command>> recruiter = new CompletableFuture<>();
    PoolEngine engine =
        PoolEngine.start(
            system,
            settings,
            new ClusterSupply(name, handlerConfig, recruiter),
            keyOf,
            UniqueNames.next("cluster-" + name));
    return new Started<>(Pools.view(engine), recruiter);
  }

  /** Starts this node's host offering {@code slots} workers per pool of the kind {@code name}. */
  public static CompletionStage<ActorRef<WorkerHost.Command>> offer(
      ActorSystem<?> system, String name, int slots, WorkerFactory<?, ?> factory) {
    return FetchpipeExtension.get(system)
        .spawn(WorkerHost.create(name, slots, factory), "workers-" + name, Props.empty());
  }
}
