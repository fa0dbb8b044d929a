package io.fetchpipe.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import io.fetchpipe.cluster.internal.ClusterPools;
import io.fetchpipe.cluster.internal.Recruiter;
import io.fetchpipe.core.JobPool;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.core.internal.HostPolicy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A pool whose workers live on the nodes of a Pekko Cluster: every node that {@link
 * ClusterWorkers#offer offers} workers of the pool's kind runs its jobs, so gather, asCompleted and
 * flow work exactly as on one node (same outcomes, one per input). The pool's router, on the node
 * that created it, decides every start, so every one of its settings holds for the whole cluster:
 * {@code max-concurrency} caps the jobs in flight on all nodes together, as it caps a pool on one
 * node, and its rate and per-key limits and rates count every node's starts. Each node also runs at
 * most the slots it offers, so the jobs in flight are at most the smaller of {@code
 * max-concurrency} and the slots of the nodes that joined; for no cap beyond the slots, give {@code
 * withMaxConcurrency(Integer.MAX_VALUE)}.
 *
 * <p>As soon as the cluster's failure detector finds a node unreachable, the jobs that node had not
 * reported run again on another (without waiting for the Split Brain Resolver to remove it), and
 * anything it reports for them later is dropped: at least once per request, exactly one outcome per
 * input. A node that becomes reachable again serves the pool again. Requests and results cross
 * nodes through the codecs registered with {@link ClusterPayloads}.
 *
 * @param <Q> the request type
 * @param <R> the result type
 */
public final class ClusterPool<Q, R> extends JobPool<Q, R> {
  private final CompletableFuture<ActorRef<Recruiter.Command>> recruiter;

  private ClusterPool(
      JobPool<Q, R> pool, CompletableFuture<ActorRef<Recruiter.Command>> recruiter) {
    super(pool);
    this.recruiter = recruiter;
  }

  /**
   * A pool of the kind {@code name} on {@code system}'s cluster.
   *
   * @param settings the pool's settings, each holding for the whole cluster: {@code
   *     max-concurrency} caps the jobs in flight on all nodes together (each node also runs at most
   *     the slots it offers)
   * @param handlerConfig sent to every node, which makes the pool's handler from it
   * @param limitKey the key per-key limits count (e.g. a URL's host), or null for none
   */
  public static <Q, R> ClusterPool<Q, R> create(
      ActorSystem<?> system,
      PoolSettings settings,
      String name,
      Config handlerConfig,
      Function<Q, Object> limitKey) {
    String config = handlerConfig.root().render(ConfigRenderOptions.concise());
    ClusterPools.Started<Q, R> started =
        ClusterPools.start(system, settings, name, config, keyOf(limitKey));
    return new ClusterPool<>(started.pool(), started.recruiter());
  }

  @SuppressWarnings("unchecked")
  private static <Q> Function<Object, Object> keyOf(Function<Q, Object> limitKey) {
    if (limitKey instanceof HostPolicy policy) {
      return policy; // a pool's whole policy (the fetcher's), not only its keys
    }
    return limitKey == null ? request -> null : request -> limitKey.apply((Q) request);
  }

  /**
   * Completes once workers of at least {@code nodes} nodes other than this one have joined the
   * pool.
   */
  public CompletionStage<Done> awaitOtherNodes(int nodes) {
    CompletableFuture<Done> ready = new CompletableFuture<>();
    recruiter.thenAccept(ref -> ref.tell(new Recruiter.AwaitNodes(nodes, ready)));
    return ready;
  }

  /** {@link #awaitOtherNodes(int)}, waiting at most {@code limit}; false when they did not come. */
  public boolean awaitOtherNodes(int nodes, Duration limit) throws InterruptedException {
    try {
      awaitOtherNodes(nodes).toCompletableFuture().get(limit.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    }
  }
}
