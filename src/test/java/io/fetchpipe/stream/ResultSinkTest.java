package io.fetchpipe.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.http.FetchRequest;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.ResponseBody;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
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
import org.junit.jupiter.api.io.TempDir;

/** The JSON-lines sink: a blueprint whose every materialization writes whole lines of its own. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResultSinkTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PER_STREAM = 20_000;

  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  /** Results {@code from} to {@code from + count - 1}, each a 200 response for its own URL. */
  private static List<ResultLine> results(int from, int count) {
    Instant now = Instant.now();
    List<ResultLine> results = new ArrayList<>(count);
    for (int index = from; index < from + count; index++) {
      FetchResponse response =
          new FetchResponse(
              200, List.of(), "text/plain", null, 1, index, null, ResponseBody.Discarded.INSTANCE);
      results.add(
          new ResultLine(
              InputLine.of(index, index + 1, FetchRequest.get(url(index))),
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
        ResultSink.to(
            out,
            ResultSink.Options.defaults().withBatchSize(8).withBatchDelay(Duration.ofSeconds(1)));

    CompletableFuture<Done> first =
        Source.from(results(0, PER_STREAM)).runWith(sink, testKit.system()).toCompletableFuture();
    CompletableFuture<Done> second =
        Source.from(results(PER_STREAM, PER_STREAM))
            .runWith(sink, testKit.system())
            .toCompletableFuture();
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
      assertEquals(
          url(index),
          line.get("url").asText(),
          "line " + (i + 1) + " mixes two results: " + lines[i]);
      assertEquals(
          index, line.get("bytes").asInt(), "line " + (i + 1) + " mixes two results: " + lines[i]);
      assertFalse(seen.get(index), "index " + index + " written twice");
      seen.set(index);
    }
    assertEquals(2 * PER_STREAM, lines.length - 1, "one line per result of either stream");
    assertEquals(2 * PER_STREAM, seen.cardinality(), "every index of both streams, each once");
  }

  @Test
  void eachWriteHoldsAtMostABatchOfWholeLines() throws Exception {
    List<String> writes = Collections.synchronizedList(new ArrayList<>());
    OutputStream out =
        new OutputStream() {
          @Override
          public void write(int b) {
            throw new AssertionError("the sink writes whole batches, not single bytes");
          }

          @Override
          public void write(byte[] bytes, int offset, int length) {
            writes.add(new String(bytes, offset, length, StandardCharsets.UTF_8));
          }
        };
    // A long delay: batches are cut by their size, and the last one by the end of the stream.
    ResultSink.Options threeAtATime =
        ResultSink.Options.defaults().withBatchSize(3).withBatchDelay(Duration.ofMinutes(1));
    Source.from(results(0, 10))
        .runWith(ResultSink.to(out, threeAtATime), testKit.system())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);

    assertEquals(
        List.of(3L, 3L, 3L, 1L),
        writes.stream().map(write -> write.chars().filter(c -> c == '\n').count()).toList());
    assertTrue(writes.stream().allMatch(write -> write.endsWith("\n")), "whole lines only");
  }

  @Test
  void optionsDefaultToTheFixedFieldsInBatchesOf512LinesOr100Ms() {
    ResultSink.Options defaults = ResultSink.Options.defaults();
    assertEquals(JsonLines.Options.PLAIN, defaults.format());
    assertEquals(512, defaults.batchSize());
    assertEquals(Duration.ofMillis(100), defaults.batchDelay());
    assertThrows(IllegalArgumentException.class, () -> defaults.withBatchSize(0));
    assertThrows(IllegalArgumentException.class, () -> defaults.withBatchDelay(Duration.ZERO));
  }

  @Test
  void toPathWritesALinePerResultAndClosesTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("results.jsonl");
    Source.from(results(0, 1000))
        .runWith(ResultSink.toPath(file, ResultSink.Options.defaults()), testKit.system())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);

    List<String> lines = Files.readAllLines(file);
    assertEquals(1000, lines.size());
    for (int i = 0; i < lines.size(); i++) {
      assertEquals(i, parse(lines.get(i), i + 1).get("index").asInt());
    }
    Files.delete(file); // closed: nothing holds it open any more
  }

  @Test
  void toPathFailsItsStageWhenTheFileCannotBeWritten(@TempDir Path dir) {
    CompletableFuture<Done> done =
        Source.from(results(0, 3))
            .runWith(ResultSink.toPath(dir, ResultSink.Options.defaults()), testKit.system())
            .toCompletableFuture();

    ExecutionException failed =
        assertThrows(ExecutionException.class, () -> done.get(30, TimeUnit.SECONDS));
    assertTrue(
        failed.getCause().getMessage().startsWith("cannot write " + dir),
        failed.getCause().getMessage());
  }

  private static JsonNode parse(String line, int number) {
    try {
      return JSON.readTree(line);
    } catch (JsonProcessingException e) {
      return fail("line " + number + " is not one JSON object: " + line);
    }
  }
}
