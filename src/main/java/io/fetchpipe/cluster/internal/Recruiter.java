package io.fetchpipe.cluster.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.internal.ThrottlingRouter;
import io.fetchpipe.core.internal.Worker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Finds a cluster pool its workers: a child of the pool's router that follows the Receptionist's
 * listing of the hosts offering the pool's kind of job, attaches to each new one (sending the
 * pool's config), and hands the workers it gets to the router. It follows the cluster's
 * reachability too: as soon as a node is unreachable its workers are lost to the router, which runs
 * their jobs again elsewhere at once rather than after the cluster has removed the node (failure
 * detection takes seconds, downing many more); if the node becomes reachable again its workers
 * serve again. The workers of a leaving node get no new job and finish what they hold. Membership,
 * failure detection and downing are the cluster's own.
 */
@InternalApi
public final class Recruiter extends AbstractBehavior<Recruiter.Command> {

  /** Messages the recruiter understands. */
  public interface Command {}

  /** Complete {@code ready} once workers of at least {@code nodes} other nodes have joined. */
  public record AwaitNodes(int nodes, CompletableFuture<Done> ready) implements Command {}

  private record HostsListed(Receptionist.Listing listing) implements Command {}

  private record WorkersGiven(WorkerHost.Attached attached) implements Command {}

  private record Reachability(ClusterEvent.ReachabilityEvent event) implements Command {}

  private record Membership(ClusterEvent.MemberEvent event) implements Command {}

  private final ActorRef<ThrottlingRouter.Command> router;
  private final ServiceKey<WorkerHost.Command> key;
  private final String poolConfig;
  private final Address selfAddress;
  private final ActorRef<WorkerHost.Attached> replies;
  private final Set<ActorRef<WorkerHost.Command>> asked = new HashSet<>();
  private final Map<Address, List<ActorRef<Worker.Command>>> workersByNode = new HashMap<>();
  private final List<AwaitNodes> waiting = new ArrayList<>();

  private Recruiter(
      ActorContext<Command> context,
      ActorRef<ThrottlingRouter.Command> router,
      ServiceKey<WorkerHost.Command> key,
      String poolConfig,
      Address selfAddress) {
    super(context);
    this.router = router;
    this.key = key;
    this.poolConfig = poolConfig;
    this.selfAddress = selfAddress;
    this.replies = context.messageAdapter(WorkerHost.Attached.class, WorkersGiven::new);
  }

  /** A recruiter for the pool of {@code router}, of the kind {@code name}. */
  public static Behavior<Command> create(
      ActorRef<ThrottlingRouter.Command> router, String name, String poolConfig) {
    return Behaviors.setup(
        context -> {
          ActorRef<Receptionist.Listing> listings =
              context.messageAdapter(Receptionist.Listing.class, HostsListed::new);
          context
              .getSystem()
              .receptionist()
              .tell(Receptionist.subscribe(WorkerHost.key(name), listings));
          Address self = context.getSystem().address();
          if (clustered(context)) {
            Cluster cluster = Cluster.get(context.getSystem());
            self = cluster.selfMember().address();
            cluster
                .subscriptions()
                .tell(
                    Subscribe.create(
                        context.messageAdapter(
                            ClusterEvent.ReachabilityEvent.class, Reachability::new),
                        ClusterEvent.ReachabilityEvent.class));
            cluster
                .subscriptions()
                .tell(
                    Subscribe.create(
                        context.messageAdapter(ClusterEvent.MemberEvent.class, Membership::new),
                        ClusterEvent.MemberEvent.class));
          }
          return new Recruiter(context, router, WorkerHost.key(name), poolConfig, self);
        });
  }

  private static boolean clustered(ActorContext<?> context) {
    return "cluster"
        .equals(context.getSystem().settings().config().getString("pekko.actor.provider"));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(HostsListed.class, this::onHostsListed)
        .onMessage(WorkersGiven.class, this::onWorkersGiven)
        .onMessage(Reachability.class, this::onReachability)
        .onMessage(Membership.class, this::onMembership)
        .onMessage(AwaitNodes.class, this::onAwaitNodes)
        .build();
  }

  private Behavior<Command> onHostsListed(HostsListed listed) {
    Set<ActorRef<WorkerHost.Command>> hosts = listed.listing().getServiceInstances(key);
    for (ActorRef<WorkerHost.Command> host : hosts) {
      if (asked.add(host)) {
        host.tell(new WorkerHost.Attach(router, poolConfig, replies));
      }
    }
    asked.retainAll(hosts); // a host that left may come back, and is then asked again
    return this;
  }

  private Behavior<Command> onWorkersGiven(WorkersGiven given) {
    List<ActorRef<Worker.Command>> workers = given.attached().workers();
    if (!workers.isEmpty()) {
      workersByNode
          .computeIfAbsent(nodeOf(given.attached().host()), node -> new ArrayList<>())
          .addAll(workers);
      router.tell(new ThrottlingRouter.WorkersJoined(workers));
      answerWaiting();
    }
    return this;
  }

  private Address nodeOf(ActorRef<?> ref) {
    Address address = ref.path().address();
    return address.hasLocalScope() ? selfAddress : address;
  }

  private Behavior<Command> onReachability(Reachability reachability) {
    ClusterEvent.ReachabilityEvent event = reachability.event();
    if (event.member().address().equals(selfAddress)) {
      return this; // another node's view of this one: the router reaches its local workers anyway
    }
    List<ActorRef<Worker.Command>> workers =
        workersByNode.getOrDefault(event.member().address(), List.of());
    if (!workers.isEmpty()) {
      router.tell(
          event instanceof ClusterEvent.UnreachableMember
              ? new ThrottlingRouter.WorkersLost(workers)
              : new ThrottlingRouter.WorkersAvailable(workers));
    }
    return this;
  }

  private Behavior<Command> onMembership(Membership membership) {
    ClusterEvent.MemberEvent event = membership.event();
    if (event instanceof ClusterEvent.MemberLeft
        || event instanceof ClusterEvent.MemberExited
        || event instanceof ClusterEvent.MemberRemoved
        || event instanceof ClusterEvent.MemberDowned) {
      List<ActorRef<Worker.Command>> workers =
          event instanceof ClusterEvent.MemberRemoved
              ? workersByNode.remove(event.member().address())
              : workersByNode.get(event.member().address());
      if (workers != null && !workers.isEmpty()) {
        router.tell(new ThrottlingRouter.WorkersUnavailable(workers));
      }
    }
    return this;
  }

  private Behavior<Command> onAwaitNodes(AwaitNodes await) {
    waiting.add(await);
    answerWaiting();
    return this;
  }

  private void answerWaiting() {
    long others = workersByNode.keySet().stream().filter(node -> !node.equals(selfAddress)).count();
    waiting.removeIf(
        await -> {
          if (others >= await.nodes()) {
            await.ready().complete(Done.getInstance());
            return true;
          }
          return false;
        });
  }
}
