package io.fetchpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fetchpipe.testing.WithEmbeddedServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code fetchpipe fetch --save} process killed with SIGKILL mid-run, then resumed: the
 * directory ends up with exactly one complete body per URL, each named by its line with the right
 * hash, and no temporary file.
 */
class SaveAndResumeProcessTest extends WithEmbeddedServer {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Process fetch(List<String> args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                java, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "fetch"));
    command.addAll(args);
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  @Test
  void afterKillMinus9ResumeLeavesOnlyCompleteFiles() throws Exception {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      // Large bodies that stream slowly enough to be cut mid-file, and a few that never finish.
      urls.add(server.address() + (i % 5 == 4 ? "/delay/30" : "/bytes/" + (400_000 + i)));
    }
    Path input = Files.write(dir.resolve("urls.txt"), urls);
    Path out = dir.resolve("out.jsonl");
    Path saved = dir.resolve("bodies");
    List<String> args =
        List.of(
            "-c",
            "6",
            "--order",
            "completion",
            "--save",
            saved.toString(),
            "-o",
            out.toString(),
            input.toString());
    Process crashing = fetch(args);
    try {
      awaitLines(crashing, out, 10);
    } finally {
      crashing.destroyForcibly(); // SIGKILL: no shutdown hook, nothing finishes
      crashing.waitFor(10, TimeUnit.SECONDS);
    }

    List<String> quick = new ArrayList<>();
    for (String url : urls) {
      quick.add(url.replace("/delay/30", "/bytes/1000"));
    }
    Files.write(input, quick);
    List<String> resumeArgs = new ArrayList<>(List.of("-q", "--resume"));
    resumeArgs.addAll(args);
    Process resumed = fetch(resumeArgs);
    assertTrue(resumed.waitFor(60, TimeUnit.SECONDS), "the resumed run finishes");
    assertEquals(0, resumed.exitValue());

    Set<Integer> indexes = new TreeSet<>();
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    for (String text : Files.readAllLines(out)) {
      JsonNode line = JSON.readTree(text);
      assertTrue(indexes.add(line.get("index").asInt()), "one line per URL: " + text);
      byte[] body = Files.readAllBytes(Path.of(line.get("file").asText()));
      assertEquals(line.get("bytes").asLong(), body.length, "complete: " + text);
      assertEquals(line.get("sha256").asText(), HexFormat.of().formatHex(sha256.digest(body)));
    }
    assertEquals(30, indexes.size());
    try (Stream<Path> files = Files.list(saved)) {
      List<String> names = files.map(path -> path.getFileName().toString()).sorted().toList();
      assertEquals(30, names.size(), "one body per URL and no temporary file: " + names);
      assertTrue(names.stream().allMatch(name -> name.matches("\\d+\\.body")), names.toString());
    }
  }

  /** Waits (bounded) until {@code out} holds {@code count} lines while the run still goes on. */
  private static void awaitLines(Process process, Path out, int count) throws Exception {
    for (int polls = 0; polls < 600 && lineCount(out) < count; polls++) {
      assertTrue(process.isAlive(), "the run must still be going");
      try {
        process.onExit().get(50, TimeUnit.MILLISECONDS);
      } catch (TimeoutException stillRunning) {
        // expected: look at the file again
      }
    }
    assertTrue(lineCount(out) >= count, "lines written before the kill: " + lineCount(out));
  }

  private static long lineCount(Path file) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    try (Stream<String> lines = Files.lines(file)) {
      return lines.count();
    }
  }
}
