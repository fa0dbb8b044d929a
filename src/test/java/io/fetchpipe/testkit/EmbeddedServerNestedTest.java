package io.fetchpipe.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A static extension seen from a nested class: its tests get fresh servers too, in the same actor
 * system, which outlives the nested class. Plain JUnit, with the JDK's HTTP client.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedServerNestedTest {
  @RegisterExtension static final EmbeddedServerExtension server = EmbeddedServerExtension.create();

  private static ActorSystem<?> outerSystem;

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void rememberTheSystem() {
    if (outerSystem == null) {
      outerSystem = server.system();
    }
  }

  private int get(String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.url(path)))
            .timeout(Duration.ofSeconds(10))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void anOuterTestHasAServer() throws Exception {
    assertEquals(418, get("/status/418"));
    assertEquals(1, server.stats().requests());
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Inner {
    @Test
    void aNestedTestHasAFreshServerInTheSameSystem() throws Exception {
      assertEquals(0, server.stats().requests());
      assertEquals(200, get("/get"));
      assertSame(outerSystem, server.system());
    }
  }

  @Test
  void theSystemIsStillRunningAfterwards() {
    assertSame(outerSystem, server.system());
  }
}
