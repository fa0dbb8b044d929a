package example.firsthour;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.http.FetchErrorKind;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.Fetcher;
import io.fetchpipe.http.server.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

/**
 * The test server started by hand, as a program outside JUnit would: its faults are outcomes, and
 * once it and the fetcher are stopped nothing of theirs keeps running.
 */
class ServerOutsideJUnitTest {
  @Test
  void faultsAreOutcomesAndNothingIsLeftRunning() throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "by-hand");
    try {
      TestServer server = TestServer.start(system).toCompletableFuture().get(10, TimeUnit.SECONDS);
      FetchSettings quick = FetchSettings.create(system).withTimeout(Duration.ofSeconds(1));
      try (Fetcher fetcher = Fetcher.create(system, PoolSettings.create(system), quick)) {
        List<Outcome<FetchResponse>> outcomes =
            fetcher
                .fetchAll(
                    List.of(
                        server.address() + "/reset",
                        server.address() + "/hang",
                        server.address() + "/get"))
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        assertEquals(FetchErrorKind.IO, ((Outcome.Failure<FetchResponse>) outcomes.get(0)).kind());
        assertEquals(
            "timeout", ((Outcome.Failure<FetchResponse>) outcomes.get(1)).kind().wireName());
        assertEquals(200, outcomes.get(2).getOrThrow().status());
      }
      server.stop(Duration.ofMillis(200)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    // The fetcher's close-grace runs on the actor system's scheduler, not on a JDK thread of its
    // own.
    assertTrue(
        Thread.getAllStackTraces().keySet().stream()
            .noneMatch(thread -> thread.getName().contains("CompletableFutureDelayScheduler")));
  }
}
