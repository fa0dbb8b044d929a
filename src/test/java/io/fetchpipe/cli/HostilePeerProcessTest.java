package io.fetchpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fetchpipe.testing.WithEmbeddedServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code fetchpipe fetch} against a peer that does not speak HTTP properly (the test
 * server's hostile peer): each URL gets its one line with the right kind, and nothing else reaches
 * the terminal. Pekko HTTP logs these failures as errors of its connection stage; the command
 * line's logging is off without {@code -v}, so neither they nor Pekko's warning about the request a
 * closing pool drops show up. A connection trickling headers forever does not hold the process up
 * once its request has timed out.
 */
class HostilePeerProcessTest extends WithEmbeddedServer {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long RUN_SECONDS = 60;
  // From the summary to the process's end: the connections are cut after
  // fetchpipe.http.connections.close-grace (500ms); the trickling connection used to hold
  // the process for ten seconds more.
  private static final long EXIT_AFTER_SUMMARY_SECONDS = 5;

  @TempDir Path dir;

  /**
   * A request to the real server first, one at a time (-c 1): the HTTP client is warm before the
   * hostile requests start, so on a loaded machine their 3 s are theirs alone.
   */
  private Path input() throws Exception {
    return Files.write(
        dir.resolve("hostile.txt"),
        List.of(
            url("/get"),
            server.hostile().url("/garbage"),
            server.hostile().url("/oversized-header"),
            server.hostile().url("/trickle")));
  }

  private static void assertKinds(String stdout) throws Exception {
    List<String> lines = stdout.lines().toList();
    assertEquals(4, lines.size(), stdout);
    assertTrue(JSON.readTree(lines.get(0)).get("ok").asBoolean(), lines.get(0));
    List<String> kinds = List.of("io", "io", "timeout");
    for (int i = 1; i < lines.size(); i++) {
      JsonNode line = JSON.readTree(lines.get(i));
      assertEquals(i, line.get("index").asInt());
      assertEquals(kinds.get(i - 1), line.get("error").get("kind").asText(), lines.get(i));
      assertEquals(1, line.get("attempts").asInt());
    }
  }

  @Test
  void withQuietNothingButTheLinesIsWritten() throws Exception {
    try (CliProcess fetch =
        CliProcess.start(
            dir, "quiet", List.of(), "fetch", "-q", "-c", "1", "-t", "3s", input().toString())) {
      assertEquals(ExitCodes.ERRORS, fetch.exit(RUN_SECONDS));
      assertKinds(fetch.stdout());
      assertEquals("", fetch.stderr(), "no log entry, no stack trace, no warning");
    }
  }

  @Test
  void withoutQuietOnlyTheSummaryAndTheProcessEndsSoonAfterIt(TestReporter reporter)
      throws Exception {
    try (CliProcess fetch =
        CliProcess.start(
            dir, "summary", List.of(), "fetch", "-c", "1", "-t", "3s", input().toString())) {
      fetch.awaitLines(fetch.stderrFile(), 1, (int) TimeUnit.SECONDS.toMillis(RUN_SECONDS) / 50);
      long summaryNanos = System.nanoTime();
      assertEquals(
          ExitCodes.ERRORS, fetch.exit(EXIT_AFTER_SUMMARY_SECONDS), "ends soon after its summary");
      reporter.publishEntry(
          "exit after the summary (ms, polled every 50 ms)",
          Long.toString(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - summaryNanos)));

      assertKinds(fetch.stdout());
      List<String> stderr = fetch.stderr().lines().toList();
      assertEquals(1, stderr.size(), "the summary alone: " + stderr);
      assertTrue(
          stderr
              .get(0)
              .matches(
                  "fetchpipe: 1 ok, 3 failed in [0-9.]+ s \\([0-9.]+ req/s\\)"
                      + "; p50 [0-9.]+ ms, p90 [0-9.]+ ms, p99 [0-9.]+ ms, max [0-9.]+ ms"),
          stderr.get(0));
    }
  }
}
