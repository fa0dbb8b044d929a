package io.fetchpipe.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster traffic over Artery TLS with mutual authentication, as docs/cluster.md sets it up, with
 * keystores made by {@code keytool} here: nodes holding the cluster's certificate form a cluster; a
 * node presenting another certificate is refused and never joins.
 */
class ClusterTlsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String PASSWORD = "fetchpipe-test";

  @TempDir Path dir;

  private final List<ActorTestKit> nodes = new ArrayList<>();

  @AfterEach
  void stopNodes() {
    nodes.forEach(ActorTestKit::shutdownTestKit);
    nodes.clear();
  }

  private void keytool(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "keytool finishes");
    assertEquals(0, process.exitValue(), output);
  }

  /** A node's own key pair and certificate, self-signed, in a PKCS12 key store. */
  private Path keyStore(String name) throws Exception {
    Path store = dir.resolve(name + ".p12");
    keytool(
        "-genkeypair",
        "-alias",
        name,
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "2",
        "-dname",
        "CN=" + name,
        "-storetype",
        "PKCS12",
        "-keystore",
        store.toString(),
        "-storepass",
        PASSWORD,
        "-keypass",
        PASSWORD);
    return store;
  }

  /** A trust store holding the certificate of {@code keyStore}'s key. */
  private Path trustStore(Path keyStore, String alias) throws Exception {
    Path certificate = dir.resolve(alias + ".cer");
    keytool(
        "-exportcert",
        "-alias",
        alias,
        "-keystore",
        keyStore.toString(),
        "-storepass",
        PASSWORD,
        "-file",
        certificate.toString());
    Path store = dir.resolve("trust-" + alias + ".p12");
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        alias,
        "-file",
        certificate.toString(),
        "-storetype",
        "PKCS12",
        "-keystore",
        store.toString(),
        "-storepass",
        PASSWORD);
    return store;
  }

  private static Config tls(Path keyStore, Path trustStore) {
    return ConfigFactory.parseString(
            String.join(
                "\n",
                "pekko.actor.provider = cluster",
                "pekko.remote.artery.transport = tls-tcp",
                "pekko.remote.artery.canonical.hostname = 127.0.0.1",
                "pekko.remote.artery.canonical.port = 0",
                "pekko.remote.artery.ssl.config-ssl-engine {",
                "  key-store = \"" + keyStore + "\"",
                "  trust-store = \"" + trustStore + "\"",
                "  key-store-password = \"" + PASSWORD + "\"",
                "  key-password = \"" + PASSWORD + "\"",
                "  trust-store-password = \"" + PASSWORD + "\"",
                "  require-mutual-authentication = on",
                "}",
                "pekko.cluster.jmx.enabled = off",
                "pekko.loglevel = OFF"))
        .withFallback(ActorTestKit.applicationTestConfig());
  }

  private ActorSystem<?> node(Config config) {
    ActorTestKit kit = ActorTestKit.create("fetchpipe-cluster", config);
    nodes.add(kit);
    return kit.system();
  }

  private static boolean isUp(ActorSystem<?> seen, Address address) {
    return StreamSupport.stream(Cluster.get(seen).state().getMembers().spliterator(), false)
        .anyMatch(
            member -> member.address().equals(address) && member.status() == MemberStatus.up());
  }

  private static boolean isMember(ActorSystem<?> seen, Address address) {
    return StreamSupport.stream(Cluster.get(seen).state().getMembers().spliterator(), false)
        .map(Member::address)
        .anyMatch(address::equals);
  }

  @Test
  void nodesWithTheClustersCertificateJoinAndANodeWithoutItCannot() throws Exception {
    Path clusterKey = keyStore("cluster");
    Path clusterTrust = trustStore(clusterKey, "cluster");
    Path strangerKey = keyStore("stranger");

    ActorSystem<?> first = node(tls(clusterKey, clusterTrust));
    ActorSystem<?> second = node(tls(clusterKey, clusterTrust));
    // The stranger trusts the cluster, but the cluster does not trust the stranger's certificate.
    ActorSystem<?> stranger = node(tls(strangerKey, clusterTrust));
    Address seed = Cluster.get(first).selfMember().address();
    for (ActorSystem<?> system : List.of(first, second, stranger)) {
      Cluster.get(system).manager().tell(Join.create(seed));
    }
    ActorTestKit probes = ActorTestKit.create("probes");
    nodes.add(probes);
    TestProbe<Object> probe = probes.createTestProbe();
    Address secondAddress = Cluster.get(second).selfMember().address();
    probe.awaitAssert(
        WAIT,
        () -> {
          assertTrue(isUp(first, secondAddress), "the second node, holding the certificate, joins");
          return null;
        });
    Address strangerAddress = Cluster.get(stranger).selfMember().address();
    // While the stranger keeps trying to join (several attempts), it is never let in.
    for (int look = 0; look < 20; look++) {
      assertFalse(isMember(first, strangerAddress), "the stranger is refused");
      assertFalse(isUp(stranger, seed), "and never sees the cluster");
      probe.expectNoMessage(Duration.ofMillis(250));
    }
  }
}
