package io.fetchpipe.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fetchpipe.testing.WithEmbeddedServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small chaos run (bench/chaos.sh runs the long one): a job against the server's {@code /chaos}
 * route, whose answers are at random reset connections, 503s with Retry-After, slow bodies and
 * bodies cut short, with {@code --retries} and {@code --save}, while its processes are killed with
 * {@code kill -9} (one node twice; in a cluster a worker, then the coordinator) and the job is
 * finished with {@code --resume}. The final file must hold every input index exactly once, no line
 * twice, every saved body whole with the sha256 its line gives, and the exit status must match its
 * lines.
 */
class ChaosProcessTest extends WithEmbeddedServer {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int URLS = 300;
  // One URL in 50 resets every time: it ends as an error, so the exit status must be 1.
  private static final int HOPELESS_EVERY = 50;

  @TempDir Path dir;

  private Path input;
  private Path out;
  private Path saved;

  /** The input: bodies of 0 to 8 KiB, each index its own key. */
  private void writeInput() throws Exception {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < URLS; i++) {
      String faults =
          i % HOPELESS_EVERY == HOPELESS_EVERY - 1
              ? "reset=1&unavailable=0&slow=0&cut=0"
              : "reset=0.04&unavailable=0.05&slow=0.05&cut=0.04&retry-after=1&slow-ms=200";
      urls.add(url("/chaos/" + i + "/" + size(i) + "?" + faults));
    }
    input = Files.write(dir.resolve("urls.txt"), urls);
    out = dir.resolve("out.jsonl");
    saved = dir.resolve("saved");
  }

  private static int size(int index) {
    return index * 7919 % 8193;
  }

  /**
   * The options every run of the job has, {@code extra} before them. A run to be killed is spread
   * over a few seconds by {@code rate}, so that its kill comes mid-job, after what it waits for;
   * the last run has no rate (null).
   */
  private String[] fetch(String rate, String... extra) {
    List<String> args = new ArrayList<>(List.of("fetch"));
    args.addAll(List.of(extra));
    if (rate != null) {
      args.addAll(List.of("--rate", rate));
    }
    args.addAll(
        List.of(
            "-c",
            "8",
            "--retries",
            "6",
            "--backoff",
            "50ms",
            "-t",
            "5s",
            "--save",
            saved.toString(),
            "-o",
            out.toString(),
            input.toString()));
    return args.toArray(String[]::new);
  }

  /**
   * Kills the process with SIGKILL once the output has {@code lines} lines, and waits for it to be
   * gone.
   */
  private void killAt(CliProcess process, long lines) throws Exception {
    process.awaitLines(out, lines, 2400);
    assertTrue(CliProcess.lineCount(out) >= lines, "the job got that far: " + process.stderr());
    process.process().destroyForcibly();
    assertTrue(process.process().waitFor(30, TimeUnit.SECONDS));
  }

  @Test
  void oneNodeKilledTwiceAndResumedTwiceWritesEveryLineOnceAndEveryBodyWhole() throws Exception {
    writeInput();
    try (CliProcess first = CliProcess.start(dir, "first", List.of(), fetch("100/s"))) {
      killAt(first, URLS * 3 / 10);
    }
    try (CliProcess second =
        CliProcess.start(dir, "second", List.of(), fetch("100/s", "--resume"))) {
      killAt(second, URLS * 65 / 100);
    }
    try (CliProcess last = CliProcess.start(dir, "last", List.of(), fetch(null, "--resume"))) {
      assertFinalOutput(last.exit(120));
    }
  }

  @Test
  void aWorkerAndThenTheCoordinatorKilledAndTheJobResumedOnANewCoordinatorLosesNothing()
      throws Exception {
    writeInput();
    String seed = CliProcess.freeAddress();
    // The smallest cluster: the coordinator fetches too, and must keep going when its one worker
    // dies.
    try (CliProcess victim = CliProcess.worker(dir, "victim", seed, List.of(), "-c", "8");
        // Slower: the coordinator must outlive the seconds it takes to see the victim unreachable.
        CliProcess coordinator =
            CliProcess.start(
                dir,
                "coordinator",
                List.of(),
                fetch("40/s", "-v", "--cluster", seed, "--min-workers", "1"))) {
      killAt(victim, URLS / 8); // before the first hopeless URL holds the lines after it back
      awaitInStderr(
          coordinator,
          "run again on others"); // the victim's requests went to the coordinator's own
      killAt(coordinator, CliProcess.lineCount(out) + 1);
    }
    try (CliProcess fresh = CliProcess.worker(dir, "fresh", seed, List.of(), "-c", "8");
        CliProcess resumed =
            CliProcess.start(
                dir,
                "resumed",
                List.of(),
                fetch(null, "--cluster", seed, "--min-workers", "1", "--resume"))) {
      assertFinalOutput(resumed.exit(120));
    }
  }

  /** Waits (at most a minute) until the process has written {@code text} on stderr. */
  private static void awaitInStderr(CliProcess process, String text) throws Exception {
    for (int polls = 0; polls < 1200 && !process.stderr().contains(text); polls++) {
      assertTrue(
          process.process().isAlive(), "ended before saying '" + text + "': " + process.stderr());
      process.process().waitFor(50, TimeUnit.MILLISECONDS);
    }
    assertTrue(process.stderr().contains(text), "said '" + text + "': " + process.stderr());
  }

  /** The final file and the last run's exit status, checked against the input. */
  private void assertFinalOutput(int exit) throws Exception {
    List<String> raw = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertEquals(raw.size(), new HashSet<>(raw).size(), "no line twice");
    Set<Integer> indexes = new HashSet<>();
    Set<String> named = new HashSet<>();
    int errors = 0;
    int retried = 0;
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    for (String text : raw) {
      JsonNode line = JSON.readTree(text);
      int index = line.get("index").asInt();
      assertTrue(indexes.add(index), "one line per index: " + text);
      retried += line.get("attempts").asInt() > 1 ? 1 : 0;
      if (!line.get("ok").asBoolean()) {
        assertEquals(
            HOPELESS_EVERY - 1, index % HOPELESS_EVERY, "only the hopeless URLs fail: " + text);
        errors++;
        continue;
      }
      assertEquals(200, line.get("status").asInt(), text);
      assertNotNull(line.get("file"), text);
      Path file = Path.of(line.get("file").asText());
      named.add(file.getFileName().toString());
      byte[] body = Files.readAllBytes(file);
      assertEquals(
          line.get("sha256").asText(), HexFormat.of().formatHex(sha256.digest(body)), text);
      assertArrayEquals(
          chaosBody(index, size(index)), body, "the whole body of its own URL: " + text);
    }
    assertEquals(URLS, indexes.size(), "every input index has its line");
    assertEquals(URLS / HOPELESS_EVERY, errors, "the hopeless URLs, and only they, end as errors");
    assertTrue(
        retried > URLS / HOPELESS_EVERY, "the faults were met and retried: " + retried + " lines");
    assertEquals(1, exit, "errors among the lines: exit status 1");
    try (Stream<Path> files = Files.list(saved)) {
      List<String> stray =
          files
              .map(file -> file.getFileName().toString())
              .filter(name -> !named.contains(name))
              .toList();
      assertEquals(List.of(), stray, "no file that no line names");
    }
  }

  /** What {@code /chaos/{index}/{size}} sends: the key and a space, repeated, cut at size bytes. */
  private static byte[] chaosBody(int index, int size) {
    byte[] unit = (index + " ").getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[size];
    for (int i = 0; i < size; i++) {
      body[i] = unit[i % unit.length];
    }
    return body;
  }
}
