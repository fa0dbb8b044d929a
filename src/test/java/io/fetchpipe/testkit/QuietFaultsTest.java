package io.fetchpipe.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.http.FetchErrorKind;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.Fetcher;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * The test server's faults are what a test asks for: they reach the client as outcomes, and the log
 * (of the server's system and of the application's) says nothing about them above debug.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuietFaultsTest {
  @RegisterExtension static final EmbeddedServerExtension server = EmbeddedServerExtension.create();

  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  @BeforeEach
  void recordTheLog() {
    logged.list.clear();
    logged.start();
    root.addAppender(logged);
  }

  @AfterEach
  void stopRecording() {
    root.detachAppender(logged);
  }

  @Test
  void aConnectionCutOnPurposeLeavesTheLogQuiet() throws Exception {
    FetchSettings fetch = FetchSettings.create(testKit.system()).withTimeout(Duration.ofSeconds(5));
    try (Fetcher fetcher =
        Fetcher.create(testKit.system(), PoolSettings.create(testKit.system()), fetch)) {
      List<Outcome<FetchResponse>> outcomes =
          fetcher
              .fetchAll(List.of(server.url("/reset"), server.url("/reset")))
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      for (Outcome<FetchResponse> outcome : outcomes) {
        assertEquals(FetchErrorKind.IO, ((Outcome.Failure<FetchResponse>) outcome).kind());
      }
    }
    assertQuietLog();
  }

  @Test
  void aRequestThatNeverAnswersLeavesTheLogQuietWhenTheApplicationStops() throws Exception {
    // The application's system ends while the request still hangs at the server, as when a test
    // class's test kit shuts down before the server does.
    ActorTestKit application = ActorTestKit.create("application");
    try {
      FetchSettings fetch =
          FetchSettings.create(application.system()).withTimeout(Duration.ofSeconds(1));
      try (Fetcher fetcher =
          Fetcher.create(application.system(), PoolSettings.create(application.system()), fetch)) {
        CompletableFuture<List<Outcome<FetchResponse>>> fetched =
            fetcher.fetchAll(List.of(server.url("/hang"))).toCompletableFuture();
        application
            .createTestProbe()
            .awaitAssert(
                Duration.ofSeconds(10),
                () -> {
                  assertEquals(1, server.stats().inFlight(), "the request hangs at the server");
                  return null;
                });
        Outcome<FetchResponse> outcome = fetched.get(10, TimeUnit.SECONDS).get(0);
        assertEquals(ErrorKind.TIMEOUT, ((Outcome.Failure<FetchResponse>) outcome).kind());
      }
    } finally {
      application.shutdownTestKit();
    }
    assertQuietLog();
  }

  /**
   * Nothing at INFO or above but the actor systems' own start and stop: no warning, no dead letter.
   */
  private void assertQuietLog() throws Exception {
    // What the server's system still has to say about the test comes before its stop.
    server.server().stop(Duration.ofMillis(200)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    testKit.createTestProbe().expectNoMessage(Duration.ofMillis(300));
    List<String> loud =
        logged.list.stream()
            .filter(event -> event.getLevel().isGreaterOrEqual(Level.INFO))
            .filter(event -> !event.getFormattedMessage().startsWith("Slf4jLogger started"))
            .filter(event -> !event.getFormattedMessage().startsWith("Running CoordinatedShutdown"))
            .map(
                event ->
                    event.getLevel()
                        + " "
                        + event.getLoggerName()
                        + ": "
                        + event.getFormattedMessage())
            .toList();
    assertTrue(loud.isEmpty(), "logged: " + loud);
  }
}
