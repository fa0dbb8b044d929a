package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Where a router's workers come from: spawned by the router itself as children (a local pool), or
 * offered from outside (workers on the nodes of a cluster, announced with {@link
 * ThrottlingRouter.WorkersJoined}). A local worker that stops mid-job crashed, and its job fails;
 * an offered worker that stops mid-job was lost with its node, and its job runs again elsewhere.
 */
@InternalApi
public interface WorkerSupply {

  /** Called once as the router starts, in its context (to spawn helpers that offer workers). */
  default void start(ActorContext<ThrottlingRouter.Command> router) {}

  /** A fresh worker when none is idle, or null when the router can only wait for one. */
  ActorRef<Worker.Command> spawn(ActorContext<ThrottlingRouter.Command> router, long number);

  /** Whether the job of a worker that stopped mid-job runs again (true) or fails as crashed. */
  boolean rerunLostJobs();

  /**
   * Whether the router's workers are its own children (and stopped by it when the pool closes);
   * offered workers belong to their node, which stops them when the router is gone.
   */
  default boolean ownsWorkers() {
    return !rerunLostJobs();
  }

  /** Workers the router spawns on demand, restarted when they throw. */
  static WorkerSupply spawned(
      Function<ActorRef<ThrottlingRouter.Command>, Behavior<Worker.Command>> factory) {
    return new WorkerSupply() {
      @Override
      public ActorRef<Worker.Command> spawn(
          ActorContext<ThrottlingRouter.Command> router, long number) {
        Behavior<Worker.Command> supervised =
            Behaviors.supervise(factory.apply(router.getSelf()))
                .onFailure(Exception.class, SupervisorStrategy.restart().withLoggingEnabled(false));
        return router.spawn(supervised, "worker-" + number, DispatcherSelector.sameAsParent());
      }

      @Override
      public boolean rerunLostJobs() {
        return false;
      }
    };
  }
}
