package io.fetchpipe.http.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The embedded server's routes, checked with the JDK's own HTTP client. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestServerTest {
  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private TestServer server;
  private final HttpClient client =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @BeforeAll
  void start() throws Exception {
    server = TestServer.start(testKit.system()).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() throws Exception {
    server.stop(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private HttpResponse<byte[]> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(server.address() + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void theBasicRoutesAnswerAsDocumented() throws Exception {
    assertTrue(server.address().startsWith("http://127.0.0.1:"));
    assertEquals(200, get("/get").statusCode());
    assertEquals(418, get("/status/418").statusCode());
    assertEquals(204, get("/status/204").statusCode(), "a status without a body");
    assertEquals(304, get("/status/304").statusCode());
    assertEquals(400, get("/status/99").statusCode());
    assertEquals(100_000, get("/bytes/100000").body().length);
    assertEquals(400, get("/bytes/-1").statusCode());
    assertEquals(400, get("/delay/61").statusCode(), "delays are capped at 60 s");
    assertEquals(400, get("/delay/soon").statusCode());
  }

  @Test
  void faultRoutesKeepStatePerKey() throws Exception {
    assertEquals(503, get("/flaky/k1/2").statusCode());
    assertEquals(503, get("/flaky/k1/2").statusCode());
    assertEquals(200, get("/flaky/k1/2").statusCode());
    assertEquals(503, get("/flaky/k2/1").statusCode(), "another key has its own count");

    HttpResponse<byte[]> first = get("/retry-after/r1/3");
    assertEquals(429, first.statusCode());
    assertEquals("3", first.headers().firstValue("Retry-After").orElseThrow());
    assertEquals(200, get("/retry-after/r1/3").statusCode());
  }

  @Test
  void redirectsChainDownToGet() throws Exception {
    HttpResponse<byte[]> hop = get("/redirect/2");
    assertEquals(302, hop.statusCode());
    assertEquals(
        "/relative-redirect/1",
        hop.headers().firstValue("Location").orElseThrow(),
        "as httpbin's chain");
    assertEquals(
        "/get", get("/relative-redirect/1").headers().firstValue("Location").orElseThrow());
    assertEquals("/get", get("/redirect/1").headers().firstValue("Location").orElseThrow());
  }

  @Test
  void theServerCountsRequestsInFlight() throws Exception {
    server.resetFaults();
    get("/get");
    assertEquals(1, server.stats().requests());
    assertEquals(0, server.stats().inFlight());
    assertEquals(1, server.stats().maxInFlight());
  }
}
