package io.fetchpipe.cli;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Tells a worker when its job is over: once a coordinator has been up in the cluster, it completes
 * {@code gone} when no coordinator is left (it finished and left, or it was lost and the cluster
 * removed it). The worker then starts afresh and waits for the next coordinator.
 */
final class CoordinatorWatch {
  private CoordinatorWatch() {}

  static Behavior<ClusterEvent.MemberEvent> create(CompletableFuture<Done> gone) {
    return Behaviors.setup(
        context -> {
          Cluster.get(context.getSystem())
              .subscriptions()
              .tell(Subscribe.create(context.getSelf(), ClusterEvent.MemberEvent.class));
          Set<Address> coordinators = new HashSet<>();
          return Behaviors.receiveMessage(
              event -> {
                if (!event.member().hasRole(ClusterConfigs.COORDINATOR)) {
                  return Behaviors.same();
                }
                if (event instanceof ClusterEvent.MemberUp) {
                  coordinators.add(event.member().address());
                } else if (event instanceof ClusterEvent.MemberExited
                    || event instanceof ClusterEvent.MemberRemoved
                    || event instanceof ClusterEvent.MemberDowned) {
                  if (coordinators.remove(event.member().address()) && coordinators.isEmpty()) {
                    gone.complete(Done.getInstance());
                  }
                }
                return Behaviors.same();
              });
        });
  }
}
