package io.fetchpipe.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fetchpipe.http.Fetcher;
import io.fetchpipe.metrics.FetchpipeMetrics;
import io.fetchpipe.testing.WithEmbeddedServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Micrometer example of docs/stats-and-metrics.md, against the embedded server. */
class StatsAndMetricsExamplesTest extends WithEmbeddedServer {
  // docs/stats-and-metrics.md: micrometer begins
  static double okResponses(ActorSystem<?> system, List<String> urls) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();      // or the application's registry
    try (FetchpipeMetrics metrics = FetchpipeMetrics.of(system);   // settings from fetchpipe.metrics
        Fetcher fetcher = Fetcher.create(system)) {
      metrics.bindTo(registry);
      fetcher.fetchAll(urls).toCompletableFuture().join();
      return registry.get("fetchpipe.pool.outcomes")
          .tags("pool", fetcher.name(), "kind", "ok", "status", "2xx").counter().count();
    }
  }
  // docs/stats-and-metrics.md: micrometer ends

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void theRegistryCountsTheFetchersOutcomesByKindAndStatus() {
    List<String> urls =
        List.of(url("/get"), url("/status/201"), url("/status/404"), url("/json"), "htp://bad");

    assertEquals(
        3.0,
        okResponses(testKit.system(), urls),
        "/get, 201 and /json; not the 404, not the bad URL");
  }
}
