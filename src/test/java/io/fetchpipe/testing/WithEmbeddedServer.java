package io.fetchpipe.testing;

import io.fetchpipe.http.server.TestServer;
import io.fetchpipe.testkit.EmbeddedServerExtension;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Base of the test classes that fetch from the embedded server: one test kit per class and a fresh
 * server on 127.0.0.1 at a free port per test, in the test kit's system ({@link
 * EmbeddedServerExtension}), so requests a previous test left on the wire (a cancelled fetch, a
 * hung one) can never show up in this test's counters or fault state.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class WithEmbeddedServer {
  @JUnit5TestKit protected ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @RegisterExtension
  protected EmbeddedServerExtension embeddedServer =
      EmbeddedServerExtension.create().inSystemOf(testKit);

  /** This test's server. */
  protected TestServer server;

  @BeforeEach
  void rememberServer(TestServer running) {
    server = running;
  }

  /** The server's URL for {@code path}. */
  protected String url(String path) {
    return embeddedServer.url(path);
  }
}
