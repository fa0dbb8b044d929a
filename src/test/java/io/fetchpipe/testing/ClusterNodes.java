package io.fetchpipe.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Cluster nodes of one test, each an actor system of its own on 127.0.0.1 at a free port, all shut
 * down by {@link #close()} (call it from the test's {@code @AfterEach}).
 */
public final class ClusterNodes implements AutoCloseable {
  private final List<ActorTestKit> kits = new ArrayList<>();
  private final Config config;

  /** Nodes with the loopback cluster config plus {@code lines} (HOCON, one setting each). */
  public ClusterNodes(String... lines) {
    this.config =
        ConfigFactory.parseString(
                String.join(
                    "\n",
                    Stream.concat(
                            Stream.of(
                                "pekko.actor.provider = cluster",
                                "pekko.remote.artery.canonical.hostname = 127.0.0.1",
                                "pekko.remote.artery.canonical.port = 0",
                                "pekko.cluster.jmx.enabled = off",
                                "pekko.loglevel = WARNING"),
                            Stream.of(lines))
                        .toList()))
            .withFallback(ActorTestKit.applicationTestConfig());
  }

  /** A new node; the nodes of one test share the actor system's name, as a cluster needs. */
  public ActorSystem<?> start() {
    ActorTestKit kit = ActorTestKit.create("fetchpipe-cluster", config);
    kits.add(kit);
    return kit.system();
  }

  /** The test kit of the {@code index}-th node started (from 0). */
  public ActorTestKit kit(int index) {
    return kits.get(index);
  }

  /** An actor system that is no node (for a test's servers), shut down with the nodes. */
  public ActorTestKit startOutside(String name) {
    ActorTestKit kit = ActorTestKit.create(name, ActorTestKit.applicationTestConfig());
    kits.add(kit);
    return kit;
  }

  /** Shuts every node down. */
  @Override
  public void close() {
    kits.forEach(ActorTestKit::shutdownTestKit);
    kits.clear();
  }
}
