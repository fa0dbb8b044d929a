package io.fetchpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fetchpipe.testing.WithEmbeddedServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fetchpipe fetch --cluster} with real {@code fetchpipe worker} processes on 127.0.0.1: the
 * output contract holds whatever happens to a worker, and bodies travel back to the coordinator,
 * which writes every line and every saved file.
 */
class ClusterFetchProcessTest extends WithEmbeddedServer {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> NO_DOWNING =
      List.of("-Dpekko.cluster.split-brain-resolver.stable-after=10m");

  @TempDir Path dir;

  private CliProcess worker(String name, String seed, String... options) throws Exception {
    return CliProcess.worker(dir, name, seed, List.of(), options);
  }

  private CliProcess worker(String name, String seed, List<String> jvmOptions, String... options)
      throws Exception {
    return CliProcess.worker(dir, name, seed, jvmOptions, options);
  }

  private static List<JsonNode> lines(Path file) throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }

  /** {@code count} URLs of {@code /delay/0.2}, in a file. */
  private Path delayedUrls(int count) throws Exception {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      urls.add(url("/delay/0.2"));
    }
    return Files.write(dir.resolve("urls.txt"), urls);
  }

  private static void assertOneOkLinePerUrl(Path out, int count) throws Exception {
    Set<Integer> indexes = new TreeSet<>();
    for (JsonNode line : lines(out)) {
      assertTrue(line.get("ok").asBoolean(), line.toString());
      assertTrue(indexes.add(line.get("index").asInt()), "one line per URL: " + line);
    }
    assertEquals(count, indexes.size());
  }

  @Test
  void aWorkerKilledMidRunHasItsRequestsRunElsewhereWithoutWaitingForItsRemoval() throws Exception {
    Path input = delayedUrls(300);
    Path out = dir.resolve("out.jsonl");
    String seed = CliProcess.freeAddress();
    // No downing within the test: the dead worker stays a member throughout, so whatever runs its
    // requests again is the coordinator seeing it unreachable, not the cluster removing it.
    try (CliProcess coordinator =
            CliProcess.start(
                dir,
                "coordinator",
                NO_DOWNING,
                "fetch",
                "-v",
                "--cluster",
                seed,
                "--min-workers",
                "2",
                "-c",
                "5",
                "-o",
                out.toString(),
                input.toString());
        CliProcess survivor = worker("survivor", seed, NO_DOWNING, "-c", "5");
        CliProcess victim = worker("victim", seed, NO_DOWNING, "-c", "5")) {
      coordinator.awaitLines(out, 60, 1200);
      victim
          .process()
          .destroyForcibly(); // kill -9: no leaving, its requests in flight are lost with it
      int exit = coordinator.exit(90);
      assertEquals(0, exit, coordinator.stderr());
      assertOneOkLinePerUrl(out, 300);
      long rerun = lines(out).stream().filter(line -> line.get("attempts").asInt() > 1).count();
      assertTrue(rerun > 0, "the requests the victim held ran again, each as a second attempt");
      assertFalse(
          coordinator.stderr().contains("Coordinated shutdown phase"),
          "the dead worker, downed when the job is over, does not hold the coordinator's leaving up: "
              + coordinator.stderr());
      assertTrue(survivor.process().isAlive(), "the other worker serves on");
    }
  }

  @Test
  void aWorkerStoppedBySigtermLeavesGracefullyWithExitZeroAndLosesNothing() throws Exception {
    Path input = delayedUrls(200);
    Path out = dir.resolve("out.jsonl");
    String seed = CliProcess.freeAddress();
    try (CliProcess coordinator =
            CliProcess.start(
                dir,
                "coordinator",
                List.of(),
                "fetch",
                "--cluster",
                seed,
                "--min-workers",
                "2",
                "-c",
                "5",
                "-o",
                out.toString(),
                input.toString());
        CliProcess stayer = worker("stayer", seed, "-c", "5");
        CliProcess leaver = worker("leaver", seed, "-c", "5")) {
      coordinator.awaitLines(out, 40, 1200);
      leaver.process().destroy(); // SIGTERM
      assertEquals(
          0, leaver.exit(60), "a worker stopped by SIGTERM leaves and exits 0: " + leaver.stderr());
      assertEquals(0, coordinator.exit(90), coordinator.stderr());
      assertOneOkLinePerUrl(out, 200);
      assertTrue(stayer.process().isAlive(), "the other worker serves on");
    }
  }

  @Test
  void bodiesTravelBackAndTheCoordinatorSavesThemWhole() throws Exception {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      urls.add(url("/bytes/" + (300_000 + i * 7_500)));
    }
    Path input = Files.write(dir.resolve("bodies.txt"), urls);
    Path out = dir.resolve("bodies.jsonl");
    Path saved = dir.resolve("saved");
    String seed = CliProcess.freeAddress();
    try (CliProcess coordinator =
            CliProcess.start(
                dir,
                "coordinator",
                List.of(),
                "fetch",
                "--cluster",
                seed,
                "--no-local",
                "--min-workers",
                "2",
                "--save",
                saved.toString(),
                "--hash",
                "-o",
                out.toString(),
                input.toString());
        CliProcess first = worker("first", seed, "-c", "3");
        CliProcess second = worker("second", seed, "-c", "3")) {
      assertEquals(0, coordinator.exit(90), coordinator.stderr());
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      List<JsonNode> lines = lines(out);
      assertEquals(40, lines.size());
      for (JsonNode line : lines) {
        byte[] body = Files.readAllBytes(Path.of(line.get("file").asText()));
        int index = line.get("index").asInt();
        assertEquals(300_000 + index * 7_500, body.length, "complete: " + line);
        assertEquals(line.get("sha256").asText(), HexFormat.of().formatHex(sha256.digest(body)));
      }
    }
  }
}
