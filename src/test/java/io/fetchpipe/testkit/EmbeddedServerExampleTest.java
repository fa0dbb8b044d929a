package io.fetchpipe.testkit;

// docs/testing.md: testing with the embedded server begins
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.Fetcher;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedServerExampleTest {
  // A fresh server per test, on 127.0.0.1 at a free port, in an actor system of its own.
  @RegisterExtension
  static final EmbeddedServerExtension server = EmbeddedServerExtension.create();

  // The application's side: its own actor system, as in production.
  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @Test
  void fetchesEveryUrlWithAtMostTwoRequestsAtOnce() throws Exception {
    PoolSettings twoAtATime = PoolSettings.create(testKit.system()).withMaxConcurrency(2);
    try (Fetcher fetcher = Fetcher.create(testKit.system(), twoAtATime, FetchSettings.create(testKit.system()))) {
      List<Outcome<FetchResponse>> outcomes = fetcher.fetchAll(List.of(
              server.url("/delay/0.5"), server.url("/delay/0.5"), server.url("/delay/0.5"), server.url("/status/503")))
          .toCompletableFuture().get(10, TimeUnit.SECONDS);

      assertTrue(outcomes.stream().allMatch(Outcome::isSuccess), "a response of any status is a result");
      assertEquals(503, outcomes.get(3).getOrThrow().status());
      assertEquals(4, server.stats().requests(), "one request per URL, no retries");
      assertEquals(2, server.stats().maxInFlight(), "the cap is reached and never passed");
    }
  }
}
// docs/testing.md: testing with the embedded server ends
