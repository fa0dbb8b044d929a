package io.fetchpipe.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.List;

/**
 * The actor system configuration of a cluster node started from the command line: Artery bound
 * where asked (loopback unless told otherwise), the seed nodes to join, on top of the loaded
 * configuration, where {@code application.conf} sets the downing (Split Brain Resolver) and the
 * channel for large messages (bodies), and where TLS may be switched on.
 */
final class ClusterConfigs {
  /** Every node of a fetchpipe cluster has this actor system name. */
  static final String SYSTEM_NAME = "fetchpipe";

  private ClusterConfigs() {}

  /** A node bound at {@code bind}, joining {@code seeds} (itself, for the coordinator). */
  static Config node(HostPort bind, List<HostPort> seeds, Config loaded) {
    List<String> seedNodes = seeds.stream().map(seed -> "pekko://" + SYSTEM_NAME + "@" + seed).toList();
    return ConfigFactory.empty()
        .withValue("pekko.actor.provider", ConfigValueFactory.fromAnyRef("cluster"))
        .withValue("pekko.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(bind.host()))
        .withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(bind.port()))
        .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seedNodes))
        .withFallback(loaded);
  }
}
