package io.fetchpipe.cluster.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.internal.ThrottlingRouter;
import io.fetchpipe.core.internal.Worker;
import io.fetchpipe.core.internal.WorkerSupply;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * The workers of a cluster pool: never spawned by the router, but recruited from the hosts of the
 * cluster's nodes by a {@link Recruiter} child; a worker lost with its node hands its job back.
 */
@InternalApi
public final class ClusterSupply implements WorkerSupply {
  private final String name;
  private final String poolConfig;
  private final CompletableFuture<ActorRef<Recruiter.Command>> recruiter;

  /**
   * The supply of a pool of the kind {@code name}; the recruiter's reference is given to {@code
   * recruiter} once the router has started it.
   */
  public ClusterSupply(
      String name, String poolConfig, CompletableFuture<ActorRef<Recruiter.Command>> recruiter) {
    this.name = name;
    this.poolConfig = poolConfig;
    this.recruiter = recruiter;
  }

  @Override
  public void start(ActorContext<ThrottlingRouter.Command> router) {
    recruiter.complete(
        router.spawn(Recruiter.create(router.getSelf(), name, poolConfig), "recruiter"));
  }

  @Override
  public ActorRef<Worker.Command> spawn(
      ActorContext<ThrottlingRouter.Command> router, long number) {
    return null;
  }

  @Override
  public boolean rerunLostJobs() {
    return true;
  }
}
