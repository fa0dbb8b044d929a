package io.fetchpipe.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.GatherOptions;
import io.fetchpipe.core.Order;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.core.RateLimit;
import io.fetchpipe.http.FetchErrorKind;
import io.fetchpipe.http.FetchFailure;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.Fetcher;
import io.fetchpipe.testkit.EmbeddedServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Input lines to results: one result per line, in order, invalid lines with their own reasons. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FetchLinesTest {
  @RegisterExtension static final EmbeddedServerExtension server = EmbeddedServerExtension.create();

  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private List<ResultLine> run(Fetcher fetcher, String input, Order order, GatherOptions options)
      throws Exception {
    return Source.single(ByteString.fromString(input, StandardCharsets.UTF_8))
        .via(UrlLines.parse(new JsonRequests(RequestTemplate.GET)))
        .via(FetchLines.flow(fetcher, order, 16, options))
        .runWith(Sink.seq(), testKit.system())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  private static Outcome.Failure<FetchResponse> failure(ResultLine result) {
    return (Outcome.Failure<FetchResponse>) result.outcome();
  }

  @Test
  void anInvalidLineIsItsOwnErrorWithItsOwnReasonAndReachesNoServer() throws Exception {
    String input =
        String.join(
            "\n",
            "{\"url\": \"" + server.url("/status/201") + "\"}",
            "not json",
            "{\"id\": 3}",
            "{\"url\": \"" + server.url("/get") + "\", \"method\": \"FETCH\"}",
            "{\"url\": \"" + server.url("/status/202") + "\"}");
    try (Fetcher fetcher = Fetcher.create(testKit.system())) {
      List<ResultLine> results = run(fetcher, input, Order.INPUT, GatherOptions.defaults());

      assertEquals(5, results.size(), "one result per line");
      assertEquals(
          List.of(0L, 1L, 2L, 3L, 4L),
          results.stream().map(result -> result.input().index()).toList());
      assertEquals(201, results.get(0).outcome().getOrThrow().status());
      assertEquals(202, results.get(4).outcome().getOrThrow().status());
      List<String> reasons =
          List.of("not JSON: Unrecognized token 'not'", "no \"url\"", "unknown method 'FETCH'");
      for (int i = 1; i <= 3; i++) {
        Outcome.Failure<FetchResponse> invalid = failure(results.get(i));
        assertEquals(FetchErrorKind.INVALID_REQUEST, invalid.kind(), "line " + (i + 1));
        assertTrue(invalid.message().startsWith(reasons.get(i - 1)), invalid.message());
        assertEquals(results.get(i).input().invalid(), invalid.message(), "the line's own reason");
        assertEquals(0, ((FetchFailure) invalid.cause()).attempts());
      }
      assertEquals(2, server.stats().requests(), "only the valid lines reach the server");
    }
  }

  @Test
  void invalidLinesTakeNoStartFromARateLimit() throws Exception {
    // One start per minute: the one valid line takes the only token; the invalid ones wait for
    // none.
    PoolSettings onePerMinute =
        PoolSettings.create(testKit.system()).withRate(RateLimit.of(1, Duration.ofMinutes(1)));
    String input = "bad line\n{\"url\": \"" + server.url("/get") + "\"}\nalso bad\n[1]\n";
    try (Fetcher fetcher =
        Fetcher.create(testKit.system(), onePerMinute, FetchSettings.create(testKit.system()))) {
      List<ResultLine> results = run(fetcher, input, Order.INPUT, GatherOptions.defaults());

      assertEquals(4, results.size());
      assertTrue(results.get(1).outcome().isSuccess());
      for (int i : new int[] {0, 2, 3}) {
        assertEquals(FetchErrorKind.INVALID_REQUEST, failure(results.get(i)).kind());
      }
    }
  }

  @Test
  void withFailFastAnInvalidLineCancelsTheLinesAfterIt() throws Exception {
    String input =
        "{\"url\": \""
            + server.url("/get")
            + "\"}\nnot a request\n"
            + ("{\"url\": \"" + server.url("/delay/0.2") + "\"}\n").repeat(5);
    try (Fetcher fetcher = Fetcher.create(testKit.system())) {
      List<ResultLine> results =
          run(fetcher, input, Order.INPUT, GatherOptions.defaults().withFailFast(true));

      assertEquals(7, results.size(), "every line still gets its result");
      assertEquals(FetchErrorKind.INVALID_REQUEST, failure(results.get(1)).kind());
      for (int i = 2; i < 7; i++) {
        assertEquals(ErrorKind.CANCELLED, failure(results.get(i)).kind(), "line " + (i + 1));
      }
    }
  }
}
