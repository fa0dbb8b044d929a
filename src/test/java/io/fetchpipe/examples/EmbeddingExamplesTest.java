package io.fetchpipe.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.http.FetchRequest;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.Fetcher;
import io.fetchpipe.queue.Pipeline;
import io.fetchpipe.testkit.EmbeddedServerExtension;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The examples of docs/embedding.md, run against the embedded server. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EmbeddingExamplesTest {
  @RegisterExtension static final EmbeddedServerExtension server = EmbeddedServerExtension.create();

  // An application's config: pools of two at once, pipelines of four consumers.
  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withCustomConfig(
              ConfigFactory.parseString(
                      "fetchpipe.pool.max-concurrency = 2\nfetchpipe.queue.consumers = 4")
                  .withFallback(ActorTestKit.applicationTestConfig()))
          .build();

  @Test
  void theApplicationsActorSystemRunsTheFetcherAndOutlivesIt() throws Exception {
    String url = server.url("/get");
    ActorSystem<Void> stopped = null;
    try {
      // docs/embedding.md: one actor system begins
      ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "url-job");
      Fetcher fetcher = Fetcher.create(system, PoolSettings.create(system).withMaxConcurrency(64),
          FetchSettings.create(system));
      // jobs (docs/batch-jobs.md), gathers, pipelines, single fetches:
      FetchResponse response = fetcher.fetch(url).toCompletableFuture().join();
      fetcher.close();        // cancels what is unfinished, ends its connections
      system.terminate();
      // docs/embedding.md: one actor system ends
      stopped = system;

      assertEquals(200, response.status());
      assertEquals(
          0, fetcher.openConnectionPools(), "the fetcher's close ended its connection pools");
      assertEquals(64, fetcher.settings().maxConcurrency());
    } finally {
      if (stopped != null) {
        stopped.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aPipelineOfFetchesRunsUnderTheFetchersLimit() {
    ActorSystem<?> system = testKit.system();
    List<FetchRequest> requests = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      requests.add(FetchRequest.get(server.url("/delay/0.2?item=" + i)));
    }
    Queue<Outcome<FetchResponse>> outcomes = new ConcurrentLinkedQueue<>();

    // docs/embedding.md: a fetcher as a handler begins
    try (Fetcher fetcher = Fetcher.create(system)) {
      Pipeline.create(system)
          .run(Source.from(requests), fetcher.asHandler(), outcome -> outcomes.add(outcome))
          .toCompletableFuture().join();     // close the fetcher once the run is over
    }
    // docs/embedding.md: a fetcher as a handler ends

    assertEquals(8, outcomes.size(), "one outcome per request");
    assertTrue(
        outcomes.stream().allMatch(outcome -> outcome.getOrThrow().status() == 200),
        outcomes.toString());
    assertEquals(
        List.of(0, 1, 2, 3, 4, 5, 6, 7),
        outcomes.stream().map(Outcome::index).sorted(Comparator.naturalOrder()).toList());
    assertEquals(8, server.stats().requests());
    assertEquals(
        2,
        server.stats().maxInFlight(),
        "four consumers, and the fetcher lets two requests run at once");
  }
}
