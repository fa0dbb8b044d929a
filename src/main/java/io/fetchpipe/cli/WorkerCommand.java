package io.fetchpipe.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fetchpipe.cluster.ClusterWorkers;
import io.fetchpipe.cluster.fetch.ClusterFetch;
import io.fetchpipe.core.PoolSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code fetchpipe worker --join HOST:PORT}: a long-running node that fetches for one coordinator
 * ({@code fetch --cluster}) after another, with the settings each coordinator sends. Each
 * coordinator forms a cluster of its own (it is the seed node), so when one is gone (finished, or
 * lost and removed) the worker starts afresh at the same address and joins the next. SIGTERM or
 * SIGINT make it leave gracefully: it finishes the requests in hand (the coordinator runs again
 * elsewhere whatever it could not), leaves the cluster, and exits 0.
 */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Join a fetchpipe cluster and fetch for its coordinators until stopped; prints the bound address.")
final class WorkerCommand implements Callable<Integer> {
  /**
   * How long a stopping worker's exit waits for its node to leave before the signal's status
   * stands.
   */
  private static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(60);

  @ParentCommand FetchpipeCommand parent;

  @Mixin Verbosity verbosity;

  @Option(
      names = "--join",
      paramLabel = "HOST:PORT",
      required = true,
      converter = HostPort.Converter.class,
      description =
          "a seed node to join (the coordinator's --cluster address); repeatable (required)")
  List<HostPort> join = new ArrayList<>();

  @Option(
      names = "--bind",
      paramLabel = "HOST:PORT",
      converter = HostPort.Converter.class,
      description = "where this node binds; port 0 picks a free one (default: 127.0.0.1:0)")
  HostPort bind = new HostPort("127.0.0.1", 0);

  @Option(
      names = {"-c", "--concurrency"},
      paramLabel = "N",
      converter = Converters.Positive.class,
      description = "requests this node fetches at once (default: from config (5))")
  Integer concurrency;

  @Option(
      names = "--metrics",
      paramLabel = "HOST:PORT",
      converter = HostPort.Converter.class,
      description =
          "serve this node's Prometheus metrics at http://HOST:PORT/metrics while it runs (default: off)")
  HostPort metrics;

  @Override
  public Integer call() {
    verbosity.apply();
    Config loaded = ConfigFactory.load();
    int slots = concurrency != null ? concurrency : PoolSettings.create(loaded).maxConcurrency();
    HostPort address = bind;
    // On SIGTERM the node leaves, its actor system terminates, and this thread halts with 0.
    AtomicReference<ActorSystem<Void>> current = new AtomicReference<>();
    Signals.letMainGiveTheStatus(
        () -> current.get() == null ? null : current.get().getWhenTerminated(), LEAVE_TIMEOUT);
    for (boolean first = true; ; first = false) {
      ActorSystem<Void> system =
          ActorSystem.create(
              Behaviors.empty(),
              ClusterConfigs.SYSTEM_NAME,
              ClusterConfigs.node(address, join, ClusterConfigs.WORKER, loaded));
      current.set(system);
      Address bound = Cluster.get(system).selfMember().address();
      address =
          new HostPort(
              bound.getHost().orElse(bind.host()),
              bound.getPort().orElse(0)); // kept for later jobs
      if (first) {
        parent.console.out().println(address);
        parent.console.out().flush();
      }
      boolean next;
      try (MetricsEndpoint endpoint =
          MetricsEndpoint.start(system, metrics, parent.console, false)) {
        next = serveOneCoordinator(system, slots);
      }
      if (!next) {
        Signals.exitAfterShutdown(ExitCodes.OK); // stopped by a signal, after leaving gracefully
        return ExitCodes.OK;
      }
    }
  }

  /** Serves until the coordinator is gone (true) or a signal stops the process (false). */
  private static boolean serveOneCoordinator(ActorSystem<Void> system, int slots) {
    ClusterWorkers.Offer offer = ClusterFetch.offerWorkers(system, slots);
    // Leaving: first the jobs in hand are finished (or handed back), then the node leaves the
    // cluster.
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(
        CoordinatedShutdown.PhaseBeforeClusterShutdown(),
        "drain-workers",
        () -> drain(offer, shutdown));
    CompletableFuture<Done> coordinatorGone = new CompletableFuture<>();
    system.systemActorOf(
        CoordinatorWatch.create(coordinatorGone), "coordinator-watch", Props.empty());
    CompletableFuture.anyOf(coordinatorGone, system.getWhenTerminated().toCompletableFuture())
        .join();
    if (Signals.stopping()) {
      system.getWhenTerminated().toCompletableFuture().join();
      return false;
    }
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
    return !Signals.stopping();
  }

  private static CompletionStage<Done> drain(
      ClusterWorkers.Offer offer, CoordinatedShutdown shutdown) {
    if (shutdown
        .getShutdownReason()
        .filter(CoordinatedShutdown.jvmExitReason()::equals)
        .isPresent()) {
      Signals.markStopping();
    }
    return offer.withdraw();
  }
}
