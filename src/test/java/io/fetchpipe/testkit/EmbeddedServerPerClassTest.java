package io.fetchpipe.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.fetchpipe.http.Fetcher;
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

/** One server shared by a class's tests, in the test kit's own actor system. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedServerPerClassTest {
  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @RegisterExtension
  EmbeddedServerExtension server = EmbeddedServerExtension.create().perClass().inSystemOf(testKit);

  private int firstPort;

  @Test
  @Order(1)
  void theServerRunsInTheTestKitsSystem() throws Exception {
    assertSame(testKit.system(), server.system());
    try (Fetcher fetcher = Fetcher.create(testKit.system())) {
      fetcher.fetch(server.url("/get")).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    firstPort = server.server().port();
  }

  @Test
  @Order(2)
  void theNextTestSeesTheSameServerAndItsCounters() {
    assertEquals(firstPort, server.server().port());
    assertEquals(1, server.stats().requests());
  }
}
