package io.fetchpipe.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.http.FetchErrorKind;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.Fetcher;
import io.fetchpipe.testing.WithEmbeddedServer;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The example of docs/politeness.md, against the embedded server (its robots.txt disallows /deny).
 */
class PolitenessExamplesTest extends WithEmbeddedServer {
  // docs/politeness.md: for embedding applications begins
  static List<Outcome<FetchResponse>> fetchPolitely(ActorSystem<?> system, List<String> urls) {
    PoolSettings pool = PoolSettings.create(system).withMaxConcurrency(32).withAdaptive(true);
    FetchSettings fetch = FetchSettings.create(system).withRobots(true);
    try (Fetcher fetcher = Fetcher.create(system, pool, fetch)) {
      // a URL robots.txt refuses: Outcome.Failure of kind FetchErrorKind.ROBOTS, never started
      return fetcher.fetchAll(urls).toCompletableFuture().join();
    }
  }
  // docs/politeness.md: for embedding applications ends

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aUrlRobotsTxtRefusesIsAFailureThatNeverReachesTheServer() {
    List<Outcome<FetchResponse>> outcomes =
        fetchPolitely(testKit.system(), List.of(url("/get"), url("/deny")));

    assertEquals(200, outcomes.get(0).getOrThrow().status());
    Outcome.Failure<FetchResponse> refused = (Outcome.Failure<FetchResponse>) outcomes.get(1);
    assertEquals(FetchErrorKind.ROBOTS, refused.kind());
    assertEquals(refused.startedAt(), refused.finishedAt(), "never started");
    assertEquals(2, server.stats().requests(), "/robots.txt and /get; /deny never");
  }
}
