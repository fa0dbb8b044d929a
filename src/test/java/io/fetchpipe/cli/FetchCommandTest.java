package io.fetchpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fetchpipe.testing.WithEmbeddedServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code fetchpipe fetch} in-process against the embedded server: the CLI contract, line by line.
 */
class FetchCommandTest extends WithEmbeddedServer {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** What one run printed and returned. */
  record Run(int exit, String out, String err) {
    List<JsonNode> lines() throws Exception {
      List<JsonNode> lines = new ArrayList<>();
      for (String line : out.split("\n")) {
        if (!line.isEmpty()) {
          lines.add(JSON.readTree(line));
        }
      }
      return lines;
    }

    List<String> errLines() {
      return err.isEmpty() ? List.of() : List.of(err.split("\n"));
    }
  }

  private static Run cli(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        Main.run(
            args,
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Path file(String name, String content) throws Exception {
    Path path = dir.resolve(name);
    Files.writeString(path, content, StandardCharsets.UTF_8);
    return path;
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      textBlock =
          """
      fetch --bogus                      | Unknown option: '--bogus'
      fetch a.txt b.txt                  | Unmatched argument at index 2: 'b.txt'
      fetch -c                           | Missing required parameter for option '--concurrency'
      fetch -c 0                         | option '--concurrency': '0' must be at least 1
      fetch --concurrency x              | option '--concurrency': not a whole number
      fetch -c 99999999999               | option '--concurrency': not a whole number
      fetch --per-host 0                 | option '--per-host': '0' must be at least 1
      fetch --per-host many              | option '--per-host': not a whole number
      fetch --rate 5/day                 | option '--rate': invalid rate '5/day': expected N/UNIT
      fetch -r 0/s                       | option '--rate': rate must be at least 1 per interval, got 0
      fetch --rate 99999999999/s         | option '--rate': invalid rate '99999999999/s': number too large
      fetch --rate 1/250ms               | option '--rate': invalid rate '1/250ms': expected N/UNIT
      fetch --per-host-rate 3/2s         | option '--per-host-rate': invalid rate '3/2s': expected N/UNIT
      fetch -t                           | Missing required parameter for option '--timeout'
      fetch --timeout 10x                | option '--timeout': '10x' is not a duration
      fetch -t 0s                        | option '--timeout': '0s' must be longer than zero
      fetch --retries -1                 | option '--retries': '-1' must not be negative
      fetch --retries x                  | option '--retries': not a whole number
      fetch --backoff soon               | option '--backoff': 'soon' is not a duration
      fetch --backoff 0ms                | option '--backoff': '0ms' must be longer than zero
      fetch --order sideways             | option '--order': expected one of [input, completion]
      fetch --max-body 12XB              | option '--max-body': '12XB' is not a size
      fetch --max-body 99999999999GB     | option '--max-body': '99999999999GB' is too large
      fetch --max-redirects -2           | option '--max-redirects': '-2' must not be negative
      fetch --max-redirects x            | option '--max-redirects': not a whole number
      fetch --circuit-breaker -1         | option '--circuit-breaker': '-1' must not be negative
      fetch --circuit-breaker x          | option '--circuit-breaker': not a whole number
      fetch --circuit-reset later        | option '--circuit-reset': 'later' is not a duration
      fetch --circuit-reset 0s           | option '--circuit-reset': '0s' must be longer than zero
      fetch --fail-fast=maybe            | option '--fail-fast': 'maybe' is not a boolean
      fetch --raise-for-status=maybe     | option '--raise-for-status': 'maybe' is not a boolean
      fetch --progress=maybe             | option '--progress': 'maybe' is not a boolean
      fetch --quiet=maybe                | option '--quiet': 'maybe' is not a boolean
      fetch -o                           | Missing required parameter for option '--output'
      fetch -o /                         | cannot write /: it is a directory
      fetch --resume                     | --resume needs -o FILE
      fetch /no/such/file.txt            | cannot read /no/such/file.txt: no such file
      fetch /                            | cannot read /: it is a directory
      fetch --per-host-rate 0/s          | option '--per-host-rate': rate must be at least 1 per interval, got 0
      fetch --per-host-rate fast         | option '--per-host-rate': invalid rate 'fast': expected N/UNIT
      fetch -X                           | Missing required parameter for option '--method'
      fetch -X BREW                      | invalid value for -X: unknown method 'BREW'
      fetch -H bad                       | invalid header 'bad': expected 'Name: value'
      fetch -H :x                        | invalid header ':x': expected 'Name: value'
      fetch -d x --data-file y           | use either -d or --data-file, not both
      fetch --data-file /no/such/body    | cannot read /no/such/body: no such file
      fetch --input xml                  | option '--input': expected one of [lines, jsonl]
      fetch --body xml                   | option '--body': expected one of [text, base64, json]
      fetch --save /no-such-root/x/y --body text | --save and --body cannot be combined
      fetch --save /dev/null             | cannot create /dev/null: a file is in the way
      fetch -o /no/such/dir/out.jsonl    | cannot write /no/such/dir/out.jsonl:
      fetch --no-local                   | --no-local needs --cluster HOST:PORT
      fetch --min-workers 2              | --min-workers needs --cluster HOST:PORT
      fetch --cluster nope               | option '--cluster': 'nope' is not HOST:PORT
      fetch --cluster 127.0.0.1:0 --no-local --min-workers 0 | --no-local with --min-workers 0: nothing would fetch
      fetch --compressed=maybe           | option '--compressed': 'maybe' is not a boolean
      completion                         | Missing required parameter: 'SHELL'
      completion fish                    | expected one of [bash, zsh]
      completion bash extra              | Unmatched argument at index 2: 'extra'
      nosuchcommand                      | Unmatched argument at index 0: 'nosuchcommand'
      """)
  void aUsageErrorIsOneLineOnStderrExitTwoAndNothingOnStdout(String args, String expected) {
    // Each row names the command it tests (fetch, completion, or none at all).
    Run run = cli("", args.split(" "));
    assertEquals(2, run.exit(), run.err());
    assertEquals("", run.out());
    assertEquals(1, run.errLines().size(), "exactly one line: " + run.err());
    assertTrue(run.err().startsWith("fetchpipe: "), run.err());
    assertTrue(run.err().contains(expected), "the check that fired says: " + run.err());
    assertFalse(run.err().contains("\tat "), "no stack trace");
  }

  @Test
  void anEmptyFileOrOnlyCommentsFetchNothingAndSucceed() throws Exception {
    for (String content : List.of("", "# only\n  # comments\n\n   \r\n")) {
      Run run = cli("", "fetch", file("empty.txt", content).toString());
      assertEquals(0, run.exit(), run.err());
      assertEquals("", run.out());
      assertTrue(run.err().startsWith("fetchpipe: 0 ok, 0 failed in "), run.err());
    }
    assertEquals(0, server.stats().requests());
  }

  @Test
  void everyUrlGetsExactlyOneLineWithItsIndexAndLineNumber() throws Exception {
    String longUrl = url("/get?") + "a".repeat(100_000);
    String input =
        "# header\r\n"
            + url("/get")
            + "\r\n"
            + "\n"
            + "   "
            + url("/status/404")
            + "   \n"
            + "garbage here\n"
            + "htp://bad\n"
            + longUrl
            + "\n"
            + url("/bytes/10"); // no final newline
    Run run = cli("", "fetch", "--no-progress", file("urls.txt", input).toString());
    List<JsonNode> lines = run.lines();
    assertEquals(6, lines.size(), run.out());
    assertEquals(1, run.exit(), "errors present: exit 1");
    int[] expectedLines = {2, 4, 5, 6, 7, 8};
    for (int i = 0; i < lines.size(); i++) {
      assertEquals(i, lines.get(i).get("index").asInt());
      assertEquals(expectedLines[i], lines.get(i).get("line").asInt());
    }
    assertEquals(url("/status/404"), lines.get(1).get("url").asText(), "trimmed");
    assertEquals(404, lines.get(1).get("status").asInt());
    assertTrue(lines.get(1).get("ok").asBoolean(), "a 404 is ok unless --raise-for-status");
    assertEquals("invalid-url", lines.get(2).get("error").get("kind").asText());
    assertEquals("invalid-url", lines.get(3).get("error").get("kind").asText());
    assertEquals(0, lines.get(3).get("attempts").asInt());
    assertEquals(longUrl, lines.get(4).get("url").asText(), "a 100 KB line is read whole");
    assertEquals(10, lines.get(5).get("bytes").asInt());
  }

  @Test
  void fieldsComeInTheContractsOrder() throws Exception {
    Run run = cli(url("/get") + "\nhtp://x\n", "fetch", "-");
    List<JsonNode> lines = run.lines();
    assertEquals(
        List.of(
            "index",
            "line",
            "url",
            "ok",
            "status",
            "bytes",
            "elapsed_ms",
            "attempts",
            "content_type"),
        names(lines.get(0)),
        "a line with a response carries its content type last");
    assertEquals("application/json", lines.get(0).get("content_type").asText());
    assertEquals(
        List.of("index", "line", "url", "ok", "error", "elapsed_ms", "attempts"),
        names(lines.get(1)));
    assertEquals(List.of("kind", "message"), names(lines.get(1).get("error")));
    assertEquals(0.0, lines.get(1).get("elapsed_ms").asDouble(), "never started");
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  @Test
  void urlsAreEscapedAsJson() throws Exception {
    String odd = "http://example.invalid/\"quoted\"\\back\u00e9\u2603";
    JsonNode line = cli(odd + "\n", "fetch", "-t", "1s").lines().get(0);
    assertEquals(odd, line.get("url").asText());
  }

  @Test
  void standardInputIsReadWithDashOrWithoutFile() throws Exception {
    assertEquals(2, cli(url("/get") + "\n" + url("/get") + "\n", "fetch", "-").lines().size());
    Run noFile = cli(url("/get") + "\n", "fetch");
    assertEquals(1, noFile.lines().size());
    assertEquals(0, noFile.exit());
  }

  @Test
  void outputFileLeavesStdoutEmptyAndQuietDropsTheSummary() throws Exception {
    Path out = dir.resolve("out.jsonl");
    Files.writeString(out, "old content that must go\n");
    Run run =
        cli(url("/get") + "\n" + url("/bytes/5") + "\n", "fetch", "-q", "-o", out.toString(), "-");
    assertEquals(0, run.exit(), run.err());
    assertEquals("", run.out());
    assertEquals("", run.err());
    List<String> written = Files.readAllLines(out);
    assertEquals(2, written.size());
    assertTrue(written.get(0).startsWith("{\"index\":0,"));
  }

  @Test
  void completionOrderWritesTheQuickestFirstInputOrderKeepsTheInput() throws Exception {
    String input = url("/delay/0.4") + "\n" + url("/get") + "\n";
    List<JsonNode> completion = cli(input, "fetch", "--order", "completion", "-").lines();
    assertEquals(
        List.of(1, 0),
        List.of(completion.get(0).get("index").asInt(), completion.get(1).get("index").asInt()));
    List<JsonNode> inputOrder = cli(input, "fetch", "-").lines();
    assertEquals(
        List.of(0, 1),
        List.of(inputOrder.get(0).get("index").asInt(), inputOrder.get(1).get("index").asInt()));
  }

  @Test
  void failFastCancelsTheRestButWritesEveryLine() throws Exception {
    StringBuilder input = new StringBuilder("htp://first-is-bad\n");
    for (int i = 0; i < 20; i++) {
      input.append(url("/delay/0.3")).append('\n');
    }
    Run run = cli(input.toString(), "fetch", "--fail-fast", "-c", "2", "-");
    List<JsonNode> lines = run.lines();
    assertEquals(21, lines.size());
    assertEquals(1, run.exit());
    for (int i = 1; i < 21; i++) {
      assertEquals("cancelled", lines.get(i).get("error").get("kind").asText());
    }
  }

  @Test
  void raiseForStatusMakesErrorStatusesErrorsAndKeepsTheStatus() throws Exception {
    Run run = cli(url("/status/503") + "\n", "fetch", "--raise-for-status", "-");
    JsonNode line = run.lines().get(0);
    assertEquals(1, run.exit());
    assertFalse(line.get("ok").asBoolean());
    assertEquals(503, line.get("status").asInt());
    assertEquals("http-status", line.get("error").get("kind").asText());
  }

  @Test
  void allOkExitsZero() {
    assertEquals(0, cli(url("/get") + "\n", "fetch", "-").exit());
  }

  @Test
  void resumeKeepsWrittenLinesRepairsATornOneAndFetchesOnlyTheRest() throws Exception {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      urls.add(url("/bytes/" + i));
    }
    Path input = file("resume.txt", String.join("\n", urls) + "\n");
    Path out = dir.resolve("resume.jsonl");
    Run first = cli("", "fetch", "-o", out.toString(), input.toString());
    assertEquals(0, first.exit(), first.err());
    List<String> complete = Files.readAllLines(out);
    // Keep indexes 0 and 3 and half of another line, as a crash in mid-write would.
    String torn = complete.get(1).substring(0, 20);
    Files.writeString(out, complete.get(0) + "\n" + complete.get(3) + "\n" + torn);
    server.resetFaults();

    Run resumed = cli("", "fetch", "--resume", "-o", out.toString(), input.toString());
    assertEquals(0, resumed.exit(), resumed.err());
    assertEquals(4, server.stats().requests(), "only the missing indexes are fetched");
    Set<Integer> indexes = new TreeSet<>();
    for (String line : Files.readAllLines(out)) {
      assertTrue(indexes.add(JSON.readTree(line).get("index").asInt()), "each index once: " + line);
    }
    assertEquals(Set.of(0, 1, 2, 3, 4, 5), indexes);
  }
}
