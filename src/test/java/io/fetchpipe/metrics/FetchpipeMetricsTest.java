package io.fetchpipe.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.core.Task;
import io.fetchpipe.core.TaskContext;
import io.fetchpipe.core.TaskPool;
import io.fetchpipe.http.FetchRequest;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.Fetcher;
import io.fetchpipe.queue.Pipeline;
import io.fetchpipe.queue.PipelineSettings;
import io.fetchpipe.testing.WithEmbeddedServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.RequiredSearch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.Test;

/**
 * fetchpipe's meters in a Micrometer registry: what each pool, fetcher and pipeline reports, and
 * when it goes.
 */
class FetchpipeMetricsTest extends WithEmbeddedServer {

  /** Waits (at most 20 s, without moving any clock) until {@code condition} holds. */
  private void eventually(String what, BooleanSupplier condition) {
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(20),
            () -> {
              if (!condition.getAsBoolean()) {
                throw new AssertionError("not yet: " + what);
              }
              return null;
            });
  }

  private static double gauge(MeterRegistry registry, String name, String pool) {
    Gauge gauge = registry.find(name).tag("pool", pool).gauge();
    return gauge == null ? Double.NaN : gauge.value();
  }

  private static double count(MeterRegistry registry, String name, String pool, String... tags) {
    RequiredSearch search = registry.get(name).tag("pool", pool);
    for (int i = 0; i < tags.length; i += 2) {
      search = search.tag(tags[i], tags[i + 1]);
    }
    return search.counter().count();
  }

  @Test
  void aPoolReportsInFlightQueuedStartsOutcomesAndLatencyAndItsMetersGoWithIt() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (FetchpipeMetrics metrics = FetchpipeMetrics.of(testKit.system())) {
      metrics.bindTo(registry);
      TaskPool pool =
          TaskPool.create(
              testKit.system(), PoolSettings.create(testKit.system()).withMaxConcurrency(2));
      String name = pool.name();
      List<CompletableFuture<String>> answers = new ArrayList<>();
      List<Task<String>> tasks = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        CompletableFuture<String> answer = new CompletableFuture<>();
        answers.add(answer);
        tasks.add(Task.of(() -> answer));
      }
      CompletableFuture<List<Outcome<String>>> gathered = pool.gather(tasks).toCompletableFuture();
      eventually(
          "two in flight, three queued",
          () ->
              gauge(registry, "fetchpipe.pool.in.flight", name) == 2
                  && gauge(registry, "fetchpipe.pool.queued", name) == 3);
      assertEquals(2, count(registry, "fetchpipe.pool.started", name));

      for (int i = 0; i < 5; i++) {
        if (i == 3) {
          answers.get(i).completeExceptionally(new IllegalStateException("no"));
        } else {
          answers.get(i).complete("answer " + i);
        }
      }
      gathered.get(20, TimeUnit.SECONDS);
      assertEquals(5, count(registry, "fetchpipe.pool.started", name));
      assertEquals(
          4, count(registry, "fetchpipe.pool.outcomes", name, "kind", "ok", "status", "none"));
      assertEquals(
          1,
          count(registry, "fetchpipe.pool.outcomes", name, "kind", "exception", "status", "none"));
      assertEquals(5, registry.get("fetchpipe.pool.latency").tag("pool", name).timer().count());
      eventually("nothing in flight", () -> gauge(registry, "fetchpipe.pool.in.flight", name) == 0);

      pool.close();
      eventually(
          "the pool's meters are removed",
          () -> registry.find("fetchpipe.pool.started").tag("pool", name).counter() == null);
      assertNull(registry.find("fetchpipe.pool.in.flight").tag("pool", name).gauge());
    }
  }

  @Test
  void aBindingSeesPoolsMadeBeforeItAndItsCloseRemovesItsMeters() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (TaskPool pool = TaskPool.create(testKit.system())) {
      FetchpipeMetrics metrics = FetchpipeMetrics.of(testKit.system());
      metrics.bindTo(registry);
      pool.gather(List.of(Task.of(() -> CompletableFuture.completedFuture(1))))
          .toCompletableFuture()
          .get(20, TimeUnit.SECONDS);
      assertEquals(
          1,
          count(registry, "fetchpipe.pool.outcomes", pool.name(), "kind", "ok", "status", "none"));
      metrics.close();
      assertNull(registry.find("fetchpipe.pool.outcomes").tag("pool", pool.name()).counter());
      pool.gather(List.of(Task.of(() -> CompletableFuture.completedFuture(2))))
          .toCompletableFuture()
          .get(20, TimeUnit.SECONDS);
      assertNull(
          registry.find("fetchpipe.pool.outcomes").tag("pool", pool.name()).counter(),
          "no meters after close");
    }
  }

  @Test
  void aFetcherCountsStatusClassesConnectionsAndBreakerOpensWithTheHostsCapped() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MetricsSettings oneHost = MetricsSettings.create(testKit.system()).withBreakerHosts(1);
    try (FetchpipeMetrics metrics = FetchpipeMetrics.of(testKit.system(), oneHost)) {
      metrics.bindTo(registry);
      FetchSettings breakAtOnce =
          FetchSettings.create(testKit.system()).withCircuitBreaker(1, Duration.ofMinutes(5));
      try (Fetcher fetcher =
          Fetcher.create(testKit.system(), PoolSettings.create(testKit.system()), breakAtOnce)) {
        String name = fetcher.name();
        String first = server.address();
        String second = first.replace("127.0.0.1", "localhost");
        List<Outcome<FetchResponse>> outcomes =
            fetcher
                .gather(
                    List.of(
                        FetchRequest.get(first + "/status/503"),
                        FetchRequest.get(second + "/status/503")))
                .toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
        assertEquals(
            2, outcomes.stream().filter(Outcome::isSuccess).count(), "a 503 is a response");
        assertEquals(
            2, count(registry, "fetchpipe.pool.outcomes", name, "kind", "ok", "status", "5xx"));
        List<String> opens =
            registry.find("fetchpipe.http.breaker.opens").tag("pool", name).counters().stream()
                .map(counter -> counter.getId().getTag("host") + "=" + (long) counter.count())
                .sorted()
                .toList();
        // Whichever host's breaker opened first has its own tag; past the cap of one, the other is
        // "other".
        assertEquals(2, opens.size(), opens.toString());
        assertEquals("other=1", opens.get(1), opens.toString());
        assertEquals(
            true,
            opens.get(0).equals(first + "=1") || opens.get(0).equals(second + "=1"),
            opens.toString());
        assertNotNull(registry.find("fetchpipe.http.connections.open").tag("pool", name).gauge());
        eventually(
            "connections open",
            () -> gauge(registry, "fetchpipe.http.connections.open", name) >= 1);
      }
      eventually(
          "the fetcher's meters are removed",
          () -> registry.find("fetchpipe.http.connections.open").gauge() == null);
    }
  }

  @Test
  void aPipelineRunReportsItsItemsAndDropsItsMetersWhenDone() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (FetchpipeMetrics metrics = FetchpipeMetrics.of(testKit.system())) {
      metrics.bindTo(registry);
      List<String> seen = new ArrayList<>();
      Pipeline pipeline = Pipeline.create(testKit.system(), new PipelineSettings(2, 2, 64));
      pipeline
          .run(
              Source.range(1, 10),
              (Integer item, TaskContext context) ->
                  item == 7
                      ? CompletableFuture.<Integer>failedFuture(
                          new IllegalArgumentException("seven"))
                      : CompletableFuture.completedFuture(item),
              // Each outcome is counted before it is passed on: the last one sees every count.
              outcome ->
                  registry
                      .find("fetchpipe.pipeline.outcomes")
                      .counters()
                      .forEach(
                          counter ->
                              seen.add(
                                  counter.getId().getTag("kind") + "=" + (long) counter.count())))
          .toCompletableFuture()
          .get(20, TimeUnit.SECONDS);
      assertEquals(
          List.of("exception=1", "ok=9"),
          seen.subList(seen.size() - 2, seen.size()).stream().sorted().toList());
      eventually(
          "the run's meters are removed",
          () -> registry.find("fetchpipe.pipeline.started").counter() == null);
    }
  }
}
