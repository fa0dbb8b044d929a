package example.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.Task;
import io.fetchpipe.core.TaskPool;
import io.fetchpipe.metrics.FetchpipeMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** An application that brings Micrometer and binds fetchpipe's meters to its registry. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsBindingTest {
  private ActorSystem<Void> system;

  @BeforeAll
  void startTheApplicationsActorSystem() {
    system = ActorSystem.create(Behaviors.empty(), "consumer-with-metrics");
  }

  @AfterAll
  void terminateIt() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void aPoolsOutcomesAndLatencyReachTheApplicationsRegistry() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (FetchpipeMetrics metrics = FetchpipeMetrics.of(system)) {
      metrics.bindTo(registry);
      TaskPool pool = TaskPool.create(system);
      String name = pool.name();
      try {
        List<Outcome<String>> outcomes =
            pool.gather(
                    Task.of(() -> CompletableFuture.completedFuture("first")),
                    Task.of(
                        () ->
                            CompletableFuture.<String>failedFuture(
                                new IllegalStateException("second"))))
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        assertEquals(2, outcomes.size());
        assertEquals(
            1.0,
            registry
                .get("fetchpipe.pool.outcomes")
                .tags("pool", name, "kind", "ok")
                .counter()
                .count());
        assertEquals(
            1.0,
            registry
                .get("fetchpipe.pool.outcomes")
                .tags("pool", name, "kind", "exception")
                .counter()
                .count());
        assertEquals(2, registry.get("fetchpipe.pool.latency").tag("pool", name).timer().count());
        assertEquals(0.0, registry.get("fetchpipe.pool.queued").tag("pool", name).gauge().value());
      } finally {
        pool.closeAsync().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      assertNull(
          registry.find("fetchpipe.pool.outcomes").tag("pool", name).counter(),
          "a closed pool's meters go");
    }
  }
}
