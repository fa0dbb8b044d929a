package io.fetchpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fetchpipe.testing.WithEmbeddedServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code fetchpipe fetch} process stopped by SIGTERM or SIGINT: requests that finish within
 * the grace period are written, the rest get no line, the output holds whole lines only, and the
 * exit status is 143 or 130.
 */
class GracefulShutdownTest extends WithEmbeddedServer {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** 5 quick URLs, 3 that finish within the grace period, 20 that cannot. */
  private Path input() throws Exception {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      urls.add(server.address() + "/get");
    }
    for (int i = 0; i < 3; i++) {
      urls.add(server.address() + "/delay/1");
    }
    for (int i = 0; i < 20; i++) {
      urls.add(server.address() + "/delay/30");
    }
    return Files.write(dir.resolve("urls.txt"), urls);
  }

  private Process start(Path input) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-Dfetchpipe.cli.shutdown-grace=3s",
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "fetch",
            "-c",
            "8",
            "--order",
            "completion",
            "--stats",
            dir.resolve("stats.json").toString(),
            input.toString())
        .redirectError(dir.resolve("stderr.txt").toFile())
        .start();
  }

  private void stopsGracefully(String signal, int expectedStatus) throws Exception {
    Process process = start(input());
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      List<String> lines = new ArrayList<>();
      CompletableFuture<Void> firstFive =
          CompletableFuture.runAsync(() -> readLines(out, lines, 5));
      firstFive.get(30, TimeUnit.SECONDS); // the quick ones are written; 8 requests are in flight
      new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
          .start()
          .waitFor(10, TimeUnit.SECONDS);
      CompletableFuture.runAsync(() -> readLines(out, lines, Integer.MAX_VALUE))
          .get(30, TimeUnit.SECONDS);
      assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the process ends");
      assertEquals(expectedStatus, process.exitValue());

      assertEquals(
          8,
          lines.size(),
          "the 5 quick ones and the 3 that finished in the grace period: " + lines);
      for (String line : lines) {
        JsonNode node = JSON.readTree(line); // whole lines only
        assertTrue(node.get("ok").asBoolean(), line);
      }
      List<String> stderr = Files.readAllLines(dir.resolve("stderr.txt"));
      assertEquals(
          1,
          stderr.size(),
          "the summary alone (closing the fetcher mid-shutdown is no error): " + stderr);
      assertTrue(
          stderr.get(0).matches("fetchpipe: 8 ok, 0 failed in .* \\(interrupted\\)"),
          stderr.get(0));
      JsonNode stats = JSON.readTree(dir.resolve("stats.json").toFile());
      assertEquals(
          8, stats.get("total").asInt(), "--stats is written for what completed: " + stats);
      assertEquals(8, stats.get("latency_ms").get("count").asInt(), stats.toString());
      assertEquals(8, stats.get("status").get("200").asInt(), stats.toString());
    } finally {
      process.destroyForcibly();
    }
  }

  private static void readLines(BufferedReader out, List<String> lines, int until) {
    try {
      String line;
      while (lines.size() < until && (line = out.readLine()) != null) {
        lines.add(line);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void afterKillMinus9ResumeCompletesTheFileWithOneLinePerUrl() throws Exception {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      urls.add(server.address() + (i % 4 == 0 ? "/delay/30" : "/get"));
    }
    Path input = Files.write(dir.resolve("crash.txt"), urls);
    Path out = dir.resolve("crash.jsonl");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process crashing =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "fetch",
                "-c",
                "12",
                "--order",
                "completion",
                "-o",
                out.toString(),
                input.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      // Wait (bounded) until the quick results are on disk while the slow ones are in flight.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (lineCount(out) < 20 && System.nanoTime() < deadline) {
        assertTrue(crashing.isAlive(), "the run must still be going");
        try {
          crashing.onExit().get(50, TimeUnit.MILLISECONDS);
        } catch (TimeoutException stillRunning) {
          // expected: look at the file again
        }
      }
    } finally {
      crashing.destroyForcibly(); // SIGKILL: no shutdown hook, no drain
      crashing.waitFor(10, TimeUnit.SECONDS);
    }
    long written = lineCount(out);
    assertTrue(written >= 20 && written < 40, "a crash mid-file: " + written + " of 40 written");

    // The slow URLs would take 30 s; the resumed run may finish them quickly.
    List<String> quick = new ArrayList<>();
    for (String url : urls) {
      quick.add(url.replace("/delay/30", "/delay/0.1"));
    }
    Files.write(input, quick);
    Process resumed =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "fetch",
                "-q",
                "--resume",
                "-o",
                out.toString(),
                input.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertTrue(resumed.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, resumed.exitValue());
    List<Integer> indexes = new ArrayList<>();
    for (String line : Files.readAllLines(out)) {
      indexes.add(JSON.readTree(line).get("index").asInt());
    }
    assertEquals(40, indexes.size(), "exactly one line per URL");
    assertEquals(40, indexes.stream().distinct().count());
  }

  private static long lineCount(Path file) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    try (Stream<String> lines = Files.lines(file)) {
      return lines.count();
    }
  }

  @Test
  void sigtermDrainsWritesWholeLinesAndExits143() throws Exception {
    stopsGracefully("TERM", 143);
  }

  @Test
  void sigintDrainsWritesWholeLinesAndExits130() throws Exception {
    stopsGracefully("INT", 130);
  }
}
