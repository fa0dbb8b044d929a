package io.fetchpipe.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.http.FetchErrorKind;
import io.fetchpipe.http.FetchRequest;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.Fetcher;
import io.fetchpipe.testkit.EmbeddedServerExtension;
import java.time.Duration;
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

/**
 * A pipeline whose consumers fetch: a fetcher as the consumer logic, with its limits and retries.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineFetchTest {
  @RegisterExtension static final EmbeddedServerExtension server = EmbeddedServerExtension.create();

  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @Test
  void consumersFetchThroughTheFetchersLimitsAndRetries() throws Exception {
    List<FetchRequest> requests = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      requests.add(FetchRequest.get(server.url("/delay/0.05")));
    }
    requests.add(FetchRequest.get(server.url("/flaky/pipeline/2")));
    requests.add(FetchRequest.get("htp://not-a-url"));
    PoolSettings twoAtOnce = PoolSettings.create(testKit.system()).withMaxConcurrency(2);
    twoAtOnce =
        twoAtOnce.withRetry(twoAtOnce.retry().withMaxRetries(2).withBackoff(Duration.ofMillis(10)));
    List<Outcome<FetchResponse>> outcomes = Collections.synchronizedList(new ArrayList<>());
    try (Fetcher fetcher =
        Fetcher.create(testKit.system(), twoAtOnce, FetchSettings.create(testKit.system()))) {
      // Four consumers, but the fetcher lets two requests run at once.
      PipelineSummary summary =
          Pipeline.create(testKit.system(), new PipelineSettings(5, 4, 64))
              .run(Source.from(requests), fetcher.asHandler(), outcomes::add)
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);

      assertEquals(requests.size(), summary.produced());
      assertEquals(requests.size(), outcomes.size(), "one outcome per item");
      assertEquals(1, summary.failed());
      Outcome.Failure<FetchResponse> invalid =
          outcomes.stream()
              .filter(o -> !o.isSuccess())
              .map(o -> (Outcome.Failure<FetchResponse>) o)
              .findFirst()
              .orElseThrow();
      assertEquals(FetchErrorKind.INVALID_URL, invalid.kind(), "the fetch's own kind");
      FetchResponse flaky =
          outcomes.stream()
              .filter(Outcome::isSuccess)
              .map(Outcome::getOrThrow)
              .filter(response -> response.attempts() > 1)
              .findFirst()
              .orElseThrow();
      assertEquals(200, flaky.status());
      assertEquals(3, flaky.attempts(), "two 503s retried by the fetcher");
      assertTrue(
          server.stats().maxInFlight() <= 2,
          "the fetcher's cap holds: " + server.stats().maxInFlight());
    }
  }
}
