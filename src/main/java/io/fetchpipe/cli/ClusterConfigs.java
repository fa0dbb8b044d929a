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

  /** The role of a node that runs {@code fetch --cluster}. */
  static final String COORDINATOR = "coordinator";

  /** The role of a node that runs {@code worker}. */
  static final String WORKER = "worker";

  /**
   * A node of {@code role} bound at {@code bind}, joining {@code seeds} (itself, for the
   * coordinator).
   */
  static Config node(HostPort bind, List<HostPort> seeds, String role, Config loaded) {
    List<String> seedNodes =
        seeds.stream().map(seed -> "pekko://" + SYSTEM_NAME + "@" + seed).toList();
    return ConfigFactory.empty()
        .withValue("pekko.actor.provider", ConfigValueFactory.fromAnyRef("cluster"))
        .withValue(
            "pekko.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(bind.host()))
        .withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(bind.port()))
        .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seedNodes))
        .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(List.of(role)))
        .withFallback(loaded);
  }
}
