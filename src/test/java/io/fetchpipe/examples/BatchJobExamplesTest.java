package io.fetchpipe.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fetchpipe.core.Order;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.Fetcher;
import io.fetchpipe.stream.FetchLines;
import io.fetchpipe.stream.JsonLines;
import io.fetchpipe.stream.JsonRequests;
import io.fetchpipe.stream.RequestTemplate;
import io.fetchpipe.stream.ResultLine;
import io.fetchpipe.stream.ResultSink;
import io.fetchpipe.stream.UrlLines;
import io.fetchpipe.testkit.EmbeddedServerExtension;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.FileIO;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The examples of docs/batch-jobs.md, run against the embedded server. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchJobExamplesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final EmbeddedServerExtension server = EmbeddedServerExtension.create();

  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  // docs/batch-jobs.md: a file of URLs begins
  /** Fetches each URL of {@code urls} (one per line) and writes one JSON line per URL to {@code results}. */
  static CompletionStage<Done> fetchFile(ActorSystem<?> system, Fetcher fetcher, Path urls, Path results) {
    return UrlLines.fromPath(urls)                                     // numbered lines, read lazily
        .via(FetchLines.flow(fetcher, Order.INPUT, 1024))              // one result per line, in input order
        .runWith(ResultSink.toPath(results, ResultSink.Options.defaults()), system);
  }
  // docs/batch-jobs.md: a file of URLs ends

  // docs/batch-jobs.md: your own graph begins
  /**
   * Reads one JSON request per line, fetches them as they come, and counts the results by what
   * they came to: a status, or the kind of error (an invalid line's is invalid-request).
   */
  static CompletionStage<Map<String, Integer>> countResults(ActorSystem<?> system, Fetcher fetcher, Path requests) {
    return FileIO.fromPath(requests)
        .via(UrlLines.parse(new JsonRequests(RequestTemplate.GET)))  // {"url": ..., "method": ..., "id": ...}
        .via(FetchLines.flow(fetcher, Order.COMPLETION, 256))          // as they complete
        .runFold(new TreeMap<String, Integer>(), (counts, result) -> {
          counts.merge(whatItCameTo(result), 1, Integer::sum);
          return counts;
        }, system);
  }

  static String whatItCameTo(ResultLine result) {
    return result.outcome() instanceof Outcome.Failure<FetchResponse> failure
        ? failure.kind().wireName()
        : "status " + result.outcome().getOrThrow().status();
  }
  // docs/batch-jobs.md: your own graph ends

  @Test
  void aFileOfUrlsBecomesAFileOfResults(@TempDir Path dir) throws Exception {
    Path urls =
        Files.write(
            dir.resolve("urls.txt"),
            List.of(
                "# the job's URLs",
                server.url("/get"),
                "",
                server.url("/status/404"),
                "htp://not-fetchable",
                server.url("/json")));
    Path results = dir.resolve("results.jsonl");
    // docs/batch-jobs.md: running it begins
    PoolSettings sixtyFourAtOnce = PoolSettings.create(testKit.system()).withMaxConcurrency(64);
    try (Fetcher fetcher = Fetcher.create(testKit.system(), sixtyFourAtOnce, FetchSettings.create(testKit.system()))) {
      fetchFile(testKit.system(), fetcher, urls, results).toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
    // docs/batch-jobs.md: running it ends

    List<String> lines = Files.readAllLines(results);
    assertEquals(4, lines.size(), "one line per URL; blank and # lines are no URLs");
    JsonNode first = JSON.readTree(lines.get(0));
    assertEquals(0, first.get("index").asInt());
    assertEquals(2, first.get("line").asInt(), "the line number in the file");
    assertEquals(200, first.get("status").asInt());
    assertEquals(404, JSON.readTree(lines.get(1)).get("status").asInt());
    assertEquals("invalid-url", JSON.readTree(lines.get(2)).get("error").get("kind").asText());
    assertEquals(200, JSON.readTree(lines.get(3)).get("status").asInt());
  }

  @Test
  void yourOwnGraphGetsOneResultPerLineInvalidOnesIncluded(@TempDir Path dir) throws Exception {
    Path requests =
        Files.write(
            dir.resolve("requests.jsonl"),
            List.of(
                "{\"url\": \"" + server.url("/get") + "\", \"id\": 1}",
                "{\"url\": \""
                    + server.url("/post")
                    + "\", \"method\": \"POST\", \"body\": \"x=1\"}",
                "{\"url\": \"" + server.url("/status/503") + "\"}",
                "{\"method\": \"GET\"}",
                "not JSON"));
    try (Fetcher fetcher = Fetcher.create(testKit.system())) {
      Map<String, Integer> counts =
          countResults(testKit.system(), fetcher, requests)
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
      assertEquals(Map.of("status 200", 2, "status 503", 1, "invalid-request", 2), counts);
    }
    assertEquals(3, server.stats().requests(), "invalid lines reach no server");
  }

  @Test
  @SuppressWarnings("UnnecessarilyFullyQualified") // docs/batch-jobs.md shows the full name
  void resultsWithHeadersGoToAnyStream() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Fetcher fetcher = Fetcher.create(testKit.system())) {
      // docs/batch-jobs.md: options begins
      ResultSink.Options withHeaders = ResultSink.Options.defaults()
          .withFormat(new JsonLines.Options(true, JsonLines.BodyField.NONE)) // add each response's headers
          .withBatchSize(64)                                               // at most 64 lines per write
          .withBatchDelay(java.time.Duration.ofMillis(250));               // a line waits at most 250 ms
      // docs/batch-jobs.md: options ends
      Source.single(ByteString.fromString(server.url("/get")))
          .via(UrlLines.parse())
          .via(FetchLines.flow(fetcher, Order.INPUT, 16))
          .runWith(ResultSink.to(out, withHeaders), testKit.system())
          .toCompletableFuture()
          .get(60, TimeUnit.SECONDS);
    }
    JsonNode line = JSON.readTree(out.toByteArray());
    assertEquals("application/json", line.get("headers").get("content-type").asText());
  }
}
