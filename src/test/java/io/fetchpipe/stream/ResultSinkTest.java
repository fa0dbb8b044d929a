package io.fetchpipe.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.http.FetchRequest;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.ResponseBody;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The JSON-lines sink: a blueprint whose every materialization writes whole lines of its own. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResultSinkTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PER_STREAM = 20_000;

  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  /** Results {@code from} to {@code from + count - 1}, each a 200 response for its own URL. */
  private static List<ResultLine> results(int from, int count) {
    Instant now = Instant.now();
    List<ResultLine> results = new ArrayList<>(count);
    for (int index = from; index < from + count; index++) {
      FetchResponse response =
          new FetchResponse(200, List.of(), "text/plain", null, 1, index, null, ResponseBody.Discarded.INSTANCE);
      results.add(new ResultLine(InputLine.of(index, index + 1, FetchRequest.get(url(index))),
          Outcome.success(index, response, now, now)));
    }
    return results;
  }

  private static String url(int index) {
    return "http://example.test/item/" + index;
  }

  @Test
  void twoStreamsRunningTheSameSinkAtOnceEachWriteWholeLinesOfTheirOwn() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Sink<ResultLine, CompletionStage<Done>> sink =
        ResultSink.to(out, JsonLines.Options.PLAIN, 8, Duration.ofSeconds(1), (line, ok) -> { });

    CompletableFuture<Done> first = Source.from(results(0, PER_STREAM))
        .runWith(sink, testKit.system()).toCompletableFuture();
    CompletableFuture<Done> second = Source.from(results(PER_STREAM, PER_STREAM))
        .runWith(sink, testKit.system()).toCompletableFuture();
    first.get(30, TimeUnit.SECONDS);
    second.get(30, TimeUnit.SECONDS);

    // One output, so lines of the two may alternate group by group; each line must be whole and
    // belong to exactly one result of one stream.
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n", -1);
    assertEquals("", lines[lines.length - 1], "the output ends with a line feed");
    BitSet seen = new BitSet(2 * PER_STREAM);
    for (int i = 0; i < lines.length - 1; i++) {
      JsonNode line = parse(lines[i], i + 1);
      int index = line.get("index").asInt();
      assertEquals(url(index), line.get("url").asText(), "line " + (i + 1) + " mixes two results: " + lines[i]);
      assertEquals(index, line.get("bytes").asInt(), "line " + (i + 1) + " mixes two results: " + lines[i]);
      assertFalse(seen.get(index), "index " + index + " written twice");
      seen.set(index);
    }
    assertEquals(2 * PER_STREAM, lines.length - 1, "one line per result of either stream");
    assertEquals(2 * PER_STREAM, seen.cardinality(), "every index of both streams, each once");
  }

  private static JsonNode parse(String line, int number) {
    try {
      return JSON.readTree(line);
    } catch (JsonProcessingException e) {
      return fail("line " + number + " is not one JSON object: " + line);
    }
  }
}
