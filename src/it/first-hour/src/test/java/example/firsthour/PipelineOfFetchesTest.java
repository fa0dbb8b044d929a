package example.firsthour;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.http.FetchRequest;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.Fetcher;
import io.fetchpipe.queue.Pipeline;
import io.fetchpipe.queue.PipelineSettings;
import io.fetchpipe.queue.PipelineSummary;
import io.fetchpipe.testkit.EmbeddedServerExtension;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A producer/consumer pipeline whose consumers fetch, each item once, under the fetcher's cap. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineOfFetchesTest {
  @RegisterExtension static final EmbeddedServerExtension server = EmbeddedServerExtension.create();

  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @Test
  void consumersFetchEveryItemOnce() throws Exception {
    List<FetchRequest> items = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      items.add(FetchRequest.get(server.url("/delay/0.02?item=" + i)));
    }
    List<Outcome<FetchResponse>> outcomes = Collections.synchronizedList(new ArrayList<>());
    PoolSettings threeAtOnce = PoolSettings.create(testKit.system()).withMaxConcurrency(3);
    try (Fetcher fetcher =
        Fetcher.create(testKit.system(), threeAtOnce, FetchSettings.create(testKit.system()))) {
      PipelineSummary summary =
          Pipeline.create(testKit.system(), new PipelineSettings(5, 4, 64))
              .run(Source.from(items), fetcher.asHandler(), outcomes::add)
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);

      assertEquals(30, summary.consumed());
      assertEquals(0, summary.failed());
      assertTrue(outcomes.stream().allMatch(outcome -> outcome.getOrThrow().status() == 200));
      assertEquals(30, server.stats().requests());
      assertTrue(
          server.stats().maxInFlight() <= 3, "the fetcher's cap: " + server.stats().maxInFlight());
    }
  }
}
