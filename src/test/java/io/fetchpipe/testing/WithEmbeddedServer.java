package io.fetchpipe.testing;

import io.fetchpipe.http.server.TestServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Base of the test classes that fetch from the embedded server: one test kit per class and a fresh
 * server on 127.0.0.1 at a free port per test, so requests a previous test left on the wire (a
 * cancelled fetch, a hung one) can never show up in this test's counters or fault state.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class WithEmbeddedServer {
  @JUnit5TestKit
  protected ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  protected TestServer server;

  @BeforeEach
  void startServer() throws Exception {
    server = TestServer.start(testKit.system()).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  // A short grace: requests still open at the end of a test (hung on purpose) are not waited for.
  @AfterEach
  void stopServer() throws Exception {
    server.stop(Duration.ofMillis(200)).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** The server's URL for {@code path}. */
  protected String url(String path) {
    return server.address() + path;
  }
}
