package io.fetchpipe.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fetchpipe.cluster.ClusterWorkers;
import io.fetchpipe.http.ClusterFetch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code fetchpipe worker --join HOST:PORT}: a long-running node that fetches for every
 * coordinator ({@code fetch --cluster}) of its cluster, one job after another, with the settings
 * each coordinator sends. SIGTERM or SIGINT make it leave gracefully: it finishes the requests in
 * hand (a coordinator runs again elsewhere whatever it could not), leaves the cluster, exits 0.
 */
@Command(name = "worker", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Join a fetchpipe cluster and fetch for its coordinators until stopped; prints the bound address.")
final class WorkerCommand implements Callable<Integer> {
  @ParentCommand FetchpipeCommand parent;

  @Mixin Verbosity verbosity;

  @Option(names = "--join", paramLabel = "HOST:PORT", required = true, converter = HostPort.Converter.class,
      description = "a seed node to join (the coordinator's --cluster address); repeatable (required)")
  List<HostPort> join = new ArrayList<>();

  @Option(names = "--bind", paramLabel = "HOST:PORT", converter = HostPort.Converter.class,
      description = "where this node binds; port 0 picks a free one (default: 127.0.0.1:0)")
  HostPort bind = new HostPort("127.0.0.1", 0);

  @Option(names = {"-c", "--concurrency"}, paramLabel = "N", converter = Converters.Positive.class,
      description = "requests this node fetches at once (default: from config (5))")
  Integer concurrency;

  @Override
  public Integer call() throws Exception {
    verbosity.apply();
    Config config = ClusterConfigs.node(bind, join, ConfigFactory.load());
    int slots = concurrency != null ? concurrency : config.getInt("fetchpipe.pool.max-concurrency");
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), ClusterConfigs.SYSTEM_NAME, config);
    ClusterWorkers.Offer offer = ClusterFetch.offerWorkers(system, slots);
    // Leaving: first the jobs in hand are finished (or handed back), then the node leaves the cluster.
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeClusterShutdown(), "drain-workers",
        () -> drain(offer));
    org.apache.pekko.actor.Address bound = Cluster.get(system).selfMember().address();
    parent.console.out().println(new HostPort(bound.getHost().orElse(bind.host()), bound.getPort().orElse(0)));
    parent.console.out().flush();
    system.getWhenTerminated().toCompletableFuture().join();
    if (Signals.stopping()) {
      Signals.exitAfterShutdown(ExitCodes.OK);
    }
    return ExitCodes.OK;
  }

  private static CompletionStage<Done> drain(ClusterWorkers.Offer offer) {
    Signals.markStopping();
    return offer.withdraw();
  }
}
