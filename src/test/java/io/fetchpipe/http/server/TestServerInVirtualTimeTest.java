package io.fetchpipe.http.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The embedded server's waits in virtual time: {@code /delay} answers when its time has passed. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestServerInVirtualTimeTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withCustomConfig(ManualTime.config().withFallback(ActorTestKit.applicationTestConfig()))
          .build();

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private ManualTime manualTime;
  private TestServer server;

  @BeforeAll
  void start() throws Exception {
    manualTime = ManualTime.get(testKit.system());
    server = TestServer.start(testKit.system()).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() throws Exception {
    server.stop(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void delayAnswersOnceItsDecimalSecondsHavePassedAndNotBefore() throws Exception {
    server.resetFaults();
    CompletableFuture<HttpResponse<String>> answer =
        client.sendAsync(
            HttpRequest.newBuilder(URI.create(server.address() + "/delay/0.25"))
                .timeout(WAIT)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    // The route schedules its wait before the request is counted.
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(
        WAIT,
        () -> {
          assertEquals(1, server.stats().requests());
          return null;
        });

    manualTime.timePasses(Duration.ofMillis(249));
    assertEquals(1, server.stats().inFlight(), "still waiting at 249 ms");
    assertFalse(answer.isDone());
    manualTime.timePasses(Duration.ofMillis(1));
    HttpResponse<String> response = answer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertEquals(200, response.statusCode());
    assertTrue(
        response.body().contains("\"url\":\"" + server.address() + "/delay/0.25\""),
        response.body());
  }
}
