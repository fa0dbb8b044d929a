package io.fetchpipe.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.Fetcher;
import io.fetchpipe.http.server.TestServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The examples of docs/testing.md. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestingDocExamplesTest {
  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(VirtualTime.config()).build();

  // In the test kit's system, so that the server's waits are virtual too.
  @RegisterExtension
  final EmbeddedServerExtension server = EmbeddedServerExtension.create().inSystemOf(testKit);

  @Test
  void theServerRunsOutsideJUnit() throws Exception {
    int status;
    // docs/testing.md: server outside JUnit begins
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "by-hand");
    TestServer server = TestServer.start(system).toCompletableFuture().get(10, TimeUnit.SECONDS);
    try (Fetcher fetcher = Fetcher.create(system)) {
      // server.address() is http://127.0.0.1:<a free port>; server.hostile() the raw-TCP peer
      status = fetcher.fetch(server.address() + "/status/418").toCompletableFuture().get(10, TimeUnit.SECONDS).status();
    } finally {
      server.stop(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
      system.terminate();
    }
    // docs/testing.md: server outside JUnit ends
    assertEquals(418, status);
  }

  @Test
  void aFetchRetriedAfterThirtySecondsTakesThirtyVirtualSeconds() throws Exception {
    // docs/testing.md: fetches in virtual time begins
    VirtualTime time = VirtualTime.of(testKit.system());
    PoolSettings pool = PoolSettings.create(testKit.system());
    pool = pool.withRetry(pool.retry().withMaxRetries(1));
    try (Fetcher fetcher = Fetcher.create(testKit.system(), pool, FetchSettings.create(testKit.system()))) {
      // One 429 with Retry-After: 30, then a 200.
      CompletableFuture<FetchResponse> fetched = fetcher.fetch(server.url("/retry-after/doc/30")).toCompletableFuture();

      Duration took = time.advanceUntil(fetched::isDone, Duration.ofMinutes(1));

      assertEquals(Duration.ofSeconds(30), took);
      assertEquals(2, fetched.get().attempts());
    }
    // docs/testing.md: fetches in virtual time ends
  }
}
