package io.fetchpipe.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.core.Outcome;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.Fetcher;
import io.fetchpipe.http.server.TestServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension's default lifecycle: a fresh server per test in a system of its own. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedServerExtensionTest {
  @RegisterExtension static final EmbeddedServerExtension server = EmbeddedServerExtension.create();

  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private int previousPort;

  @Test
  @Order(1)
  void aTestSeesItsOwnServerFromTheFirstRequest() throws Exception {
    assertEquals(0, server.stats().requests());
    try (Fetcher fetcher = Fetcher.create(testKit.system())) {
      assertEquals(
          200,
          fetcher
              .fetch(server.url("/get"))
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS)
              .status());
    }
    assertEquals(1, server.stats().requests());
    previousPort = server.server().port();
  }

  @Test
  @Order(2)
  void theNextTestGetsAFreshServerAndThePreviousOneIsStopped() {
    assertEquals(0, server.stats().requests(), "counters start afresh");
    assertNotEquals(previousPort, server.server().port());
    assertThrows(
        IOException.class,
        () -> {
          try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", previousPort), 2000);
          }
        },
        "the previous test's server no longer listens");
    assertNotEquals(testKit.system(), server.system(), "the server runs in a system of its own");
  }

  @Test
  @Order(3)
  void theRunningServerIsAParameterToo(TestServer injected) {
    assertSame(server.server(), injected);
    assertEquals(injected.address() + "/get", server.url("/get"));
  }

  @Test
  @Order(4)
  void theHostilePeerRunsBesideIt() throws Exception {
    try (Fetcher fetcher = Fetcher.create(testKit.system())) {
      List<Outcome<FetchResponse>> outcomes =
          fetcher
              .fetchAll(List.of(server.hostile().url("/garbage")))
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      assertTrue(outcomes.get(0) instanceof Outcome.Failure, "not HTTP: " + outcomes.get(0));
    }
    assertEquals(0, server.stats().requests(), "the hostile peer is not the server");
  }
}
