package example.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.core.Task;
import io.fetchpipe.core.TaskContext;
import io.fetchpipe.core.TaskPool;
import io.fetchpipe.http.FetchRequest;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.Fetcher;
import io.fetchpipe.queue.Pipeline;
import io.fetchpipe.queue.PipelineSummary;
import java.net.URL;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** What an application that depends on fetchpipe, and on nothing else, gets. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdoptionTest {
  private ActorSystem<Void> system;

  @BeforeAll
  void startTheApplicationsActorSystem() {
    system = ActorSystem.create(Behaviors.empty(), "consumer");
  }

  @AfterAll
  void terminateIt() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void theApplicationsConfigWinsOverFetchpipesDefaults() {
    assertEquals(7, PoolSettings.create(system).maxConcurrency());
  }

  @Test
  void fetchpipeBringsNoLoggingBackendAndNoCommandLineLibraries() {
    for (String name :
        List.of(
            "ch.qos.logback.classic.Logger",
            "picocli.CommandLine",
            "me.tongfei.progressbar.ProgressBar",
            // Nor the test kit's foundations: an application's test scope brings them if it wants.
            // (Pekko's SLF4J bridge is here all the same: pekko-actor-typed depends on it.)
            "org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit",
            // Nor Micrometer: metrics are for applications that bind them (this run leaves it off
            // the class path).
            "io.micrometer.core.instrument.MeterRegistry")) {
      assertThrows(
          ClassNotFoundException.class, () -> Class.forName(name), name + " is on the class path");
    }
  }

  @Test
  void theOnlyApplicationConfIsTheApplicationsOwn() throws Exception {
    List<URL> found =
        Collections.list(getClass().getClassLoader().getResources("application.conf"));
    assertEquals(1, found.size(), "application.conf on the class path: " + found);
    assertTrue(
        found.get(0).getPath().contains("/consumer/target/classes/"), found.get(0).toString());
  }

  @Test
  void aFetcherAndAPipelineRunWithoutMicrometer() throws Exception {
    try (Fetcher fetcher = Fetcher.create(system)) {
      Outcome<FetchResponse> refused =
          fetcher
              .gather(List.of(FetchRequest.get("http://127.0.0.1:1/")))
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS)
              .get(0);
      assertEquals("connect", ((Outcome.Failure<FetchResponse>) refused).kind().wireName());
    }
    PipelineSummary summary =
        Pipeline.create(system)
            .run(
                Source.range(1, 3),
                (Integer item, TaskContext context) -> CompletableFuture.completedFuture(item))
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    assertEquals(3, summary.produced());
  }

  @Test
  void aPoolRunsOnTheApplicationsSystem() throws Exception {
    TaskPool pool = TaskPool.create(system);
    try {
      List<Outcome<String>> outcomes =
          pool.gather(
                  Task.of(() -> CompletableFuture.completedFuture("first")),
                  Task.of(() -> CompletableFuture.completedFuture("second")))
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      assertEquals(List.of("first", "second"), outcomes.stream().map(Outcome::getOrThrow).toList());
    } finally {
      pool.closeAsync().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
