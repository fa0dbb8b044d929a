package io.fetchpipe.cluster;

import io.fetchpipe.cluster.internal.ClusterPools;
import io.fetchpipe.cluster.internal.WorkerHost;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A node's offer to work: under a name, {@code slots} workers for every {@link ClusterPool} of that
 * name anywhere in the cluster, each pool's jobs run with a handler the node makes from the pool's
 * config. Every node that should work registers its offer (the node that creates a pool too, unless
 * it only coordinates).
 */
public final class ClusterWorkers {
  private ClusterWorkers() {}

  /**
   * Offers this node's workers for pools of the kind {@code name}.
   *
   * @param slots workers per pool on this node: how many of a pool's jobs this node runs at once
   * @param factory what a pool's jobs need on this node
   */
  public static <Q, R> Offer offer(
      ActorSystem<?> system, String name, int slots, WorkerFactory<Q, R> factory) {
    if (slots < 1) {
      throw new IllegalArgumentException("slots must be at least 1, got " + slots);
    }
    return new Offer(ClusterPools.offer(system, name, slots, factory));
  }

  /** A node's standing offer, which it withdraws when it leaves. */
  public static final class Offer {
    private final CompletionStage<ActorRef<WorkerHost.Command>> host;

    private Offer(CompletionStage<ActorRef<WorkerHost.Command>> host) {
      this.host = host;
    }

    /**
     * Withdraws the offer: no pool attaches any more, the pools attached are told these workers are
     * going, and each worker finishes the job in hand, then stops. Completes when they all have.
     */
    public CompletionStage<Done> withdraw() {
      return host.thenCompose(
          ref -> {
            CompletableFuture<Done> drained = new CompletableFuture<>();
            ref.tell(new WorkerHost.Drain(drained));
            return drained;
          });
    }
  }
}
