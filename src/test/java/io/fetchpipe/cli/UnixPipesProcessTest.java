package io.fetchpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fetchpipe.testing.WithEmbeddedServer;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fetchpipe fetch} among other Unix tools, as real processes: a reader that goes away
 * ({@code | head}) ends the run at once with 141, a full disk is one line and status 1, and a named
 * pipe, a process substitution and {@code /dev/stdin} are inputs like any file.
 */
class UnixPipesProcessTest extends WithEmbeddedServer {
  private static final ObjectMapper JSON = new ObjectMapper();
  // JVM start, actor system and first results, on a loaded machine.
  private static final long START_SECONDS = 60;
  // From head's exit to fetchpipe's: the contract says promptly (about a second); fetching
  // everything would take minutes, and the old shutdown held the process up for ten seconds.
  private static final long EXIT_AFTER_READER_SECONDS = 5;

  @TempDir Path dir;

  @Test
  void aClosedPipeEndsTheRunQuietlyWith141SoonAfterTheReaderExits(TestReporter reporter)
      throws Exception {
    int urls = 20_000;
    Path input =
        Files.write(dir.resolve("urls.txt"), Collections.nCopies(urls, url("/delay/0.05")));
    // head's exit and fetchpipe's, each stamped by the shell as it happens.
    Process shell =
        CliProcess.bash(
                """
            fetchpipe fetch -c 8 "$1" 2>"$2/fetch.err" | { head -2; date +%s%N > "$2/head.exit"; }
            status=${PIPESTATUS[0]}
            date +%s%N > "$2/fetch.exit"
            exit "$status"
            """,
                input.toString(), dir.toString())
            .redirectError(dir.resolve("shell.err").toFile())
            .start();
    try {
      BufferedReader headOutput = CliProcess.reader(shell.getInputStream());
      List<String> lines = new ArrayList<>();
      CompletableFuture.runAsync(() -> readLines(headOutput, lines, 2))
          .get(START_SECONDS, TimeUnit.SECONDS);
      long headDone = System.nanoTime();

      int status = shell.onExit().get(EXIT_AFTER_READER_SECONDS, TimeUnit.SECONDS).exitValue();
      long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - headDone);

      assertEquals(
          RunFailure.BROKEN_PIPE,
          status,
          "exit status as if killed by SIGPIPE; shell: "
              + Files.readString(dir.resolve("shell.err")));
      assertEquals(
          "",
          Files.readString(dir.resolve("fetch.err")),
          "a closed pipe ends the run without a word");
      for (String line : lines) {
        assertTrue(JSON.readTree(line).get("ok").asBoolean(), line);
      }
      long afterHead = (stamp("fetch.exit") - stamp("head.exit")) / 1_000_000;
      long requests = server.stats().requests();
      reporter.publishEntry("fetchpipe exited after head (ms)", Long.toString(afterHead));
      reporter.publishEntry(
          "test waited after reading head's lines (ms)", Long.toString(waitedMillis));
      reporter.publishEntry("requests of " + urls, Long.toString(requests));
      assertTrue(
          requests < urls / 10,
          "no new requests start once the output is gone: " + requests + " of " + urls);
    } finally {
      shell.destroyForcibly();
    }
  }

  private long stamp(String name) throws IOException {
    return Long.parseLong(Files.readString(dir.resolve(name)).trim());
  }

  @Test
  void aFullStdoutIsOneLineOnStderrAndStatusOne() throws Exception {
    assumeTrue(Files.exists(Path.of("/dev/full")), "needs /dev/full");
    Path input =
        Files.write(dir.resolve("urls.txt"), List.of(url("/get"), url("/get"), url("/get")));
    Process fetch =
        new ProcessBuilder(CliProcess.command(List.of(), "fetch", input.toString()))
            .redirectOutput(new File("/dev/full"))
            .redirectError(dir.resolve("stderr.txt").toFile())
            .start();
    assertWriteFailureReported(fetch);
  }

  @Test
  void aFullOutputFileIsOneLineOnStderrAndStatusOne() throws Exception {
    assumeTrue(Files.exists(Path.of("/dev/full")), "needs /dev/full");
    Path input =
        Files.write(dir.resolve("urls.txt"), List.of(url("/get"), url("/get"), url("/get")));
    Process fetch =
        new ProcessBuilder(
                CliProcess.command(List.of(), "fetch", "-o", "/dev/full", input.toString()))
            .redirectOutput(dir.resolve("stdout.txt").toFile())
            .redirectError(dir.resolve("stderr.txt").toFile())
            .start();
    assertWriteFailureReported(fetch);
    assertEquals("", Files.readString(dir.resolve("stdout.txt")), "stdout stays empty with -o");
  }

  private void assertWriteFailureReported(Process fetch) throws Exception {
    try {
      assertEquals(
          ExitCodes.ERRORS, fetch.onExit().get(START_SECONDS, TimeUnit.SECONDS).exitValue());
    } finally {
      fetch.destroyForcibly();
    }
    List<String> stderr = Files.readAllLines(dir.resolve("stderr.txt"), StandardCharsets.UTF_8);
    assertEquals(1, stderr.size(), "exactly one line, no summary, no log entry: " + stderr);
    String line = stderr.get(0);
    assertTrue(line.startsWith("fetchpipe: cannot write results: "), line);
    assertFalse(line.contains("WARN") || line.contains("ERROR"), "not a log entry: " + line);
    assertFalse(line.matches(".*\\d\\d:\\d\\d:\\d\\d.*"), "no timestamp: " + line);
  }

  @Test
  void aNamedPipeIsReadAsInput() throws Exception {
    Path fifo = dir.resolve("urls.fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assumeTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "needs mkfifo");
    List<String> urls = List.of(url("/get"), url("/bytes/3"), "htp://bad", url("/status/404"));
    try (CliProcess fetch =
        CliProcess.start(dir, "fifo", List.of(), "fetch", "-q", fifo.toString())) {
      // Opening a FIFO for writing waits for its reader: the run must have opened it.
      CompletableFuture.runAsync(() -> write(fifo, urls)).get(START_SECONDS, TimeUnit.SECONDS);
      assertEquals(
          ExitCodes.ERRORS, fetch.exit(START_SECONDS), "one invalid URL: " + fetch.stderr());
      assertOneLinePerUrl(urls, fetch.stdout());
      assertEquals("", fetch.stderr());
    }
  }

  @Test
  void aProcessSubstitutionAndDevStdinAreReadAsInput() throws Exception {
    List<String> urls = List.of(url("/get"), url("/bytes/3"), url("/status/404"));
    Process shell =
        CliProcess.bash(
                """
            out="$1"; shift
            fetchpipe fetch -q <(printf '%s\\n' "$@") > "$out/substitution.jsonl"; first=$?
            printf '%s\\n' "$@" | fetchpipe fetch -q /dev/stdin > "$out/dev-stdin.jsonl"; second=$?
            echo "$first $second"
            """,
                concat(dir.toString(), urls))
            .redirectError(dir.resolve("shell.err").toFile())
            .start();
    try {
      assertTrue(shell.waitFor(2 * START_SECONDS, TimeUnit.SECONDS), "both runs end");
      String statuses =
          new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      assertEquals("0 0", statuses, Files.readString(dir.resolve("shell.err")));
    } finally {
      shell.destroyForcibly();
    }
    assertEquals("", Files.readString(dir.resolve("shell.err")), "nothing on stderr with -q");
    assertOneLinePerUrl(urls, Files.readString(dir.resolve("substitution.jsonl")));
    assertOneLinePerUrl(urls, Files.readString(dir.resolve("dev-stdin.jsonl")));
  }

  private static String[] concat(String first, List<String> rest) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(rest);
    return all.toArray(String[]::new);
  }

  private static void assertOneLinePerUrl(List<String> urls, String output) throws Exception {
    List<String> lines = output.lines().toList();
    assertEquals(urls.size(), lines.size(), output);
    for (int i = 0; i < urls.size(); i++) {
      JsonNode line = JSON.readTree(lines.get(i));
      assertEquals(i, line.get("index").asInt());
      assertEquals(urls.get(i), line.get("url").asText());
    }
  }

  private static void write(Path fifo, List<String> lines) {
    try {
      Files.write(fifo, lines, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void readLines(BufferedReader reader, List<String> lines, int count) {
    try {
      String line;
      while (lines.size() < count && (line = reader.readLine()) != null) {
        lines.add(line);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
