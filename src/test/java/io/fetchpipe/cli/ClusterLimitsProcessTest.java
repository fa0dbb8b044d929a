package io.fetchpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.http.server.ServerStats;
import io.fetchpipe.testing.WithEmbeddedServer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One pair of {@code fetchpipe worker} processes serving coordinator after coordinator: all three
 * nodes of a cluster fetch at once, each up to its own {@code -c}, and the coordinator's per-host
 * limit and per-host rate hold for all nodes together.
 */
class ClusterLimitsProcessTest extends WithEmbeddedServer {
  private static final long SECOND = 1_000_000_000L;

  /**
   * How far a busy machine may hold up a start between the coordinator's decision and the server.
   */
  private static final long DELIVERY_JITTER = 400_000_000L;

  @TempDir Path dir;

  private int runs;

  private static String freeAddress() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return "127.0.0.1:" + socket.getLocalPort();
    }
  }

  private Path urls(String name, List<String> urls) throws Exception {
    return Files.write(dir.resolve(name), urls);
  }

  /** Runs one fetch to its end: exit 0, one ok line per URL. */
  private void fetch(Path input, String... options) throws Exception {
    List<String> args = new ArrayList<>(List.of("fetch"));
    args.addAll(List.of(options));
    Path out = dir.resolve("out-" + (++runs) + ".jsonl");
    args.addAll(List.of("-o", out.toString(), input.toString()));
    try (CliProcess run =
        CliProcess.start(dir, "run-" + runs, List.of(), args.toArray(String[]::new))) {
      assertEquals(0, run.exit(120), run.stderr());
    }
    List<String> lines = Files.readAllLines(out);
    assertEquals(Files.readAllLines(input).size(), lines.size());
    assertTrue(lines.stream().allMatch(line -> line.contains("\"ok\":true")), lines.toString());
  }

  @Test
  void threeNodesShareTheWorkAndTheCoordinatorsLimitsHoldForAllOfThem() throws Exception {
    String seed = freeAddress();
    try (CliProcess first =
            CliProcess.start(dir, "worker-1", List.of(), "worker", "--join", seed, "-c", "10");
        CliProcess second =
            CliProcess.start(dir, "worker-2", List.of(), "worker", "--join", seed, "-c", "10")) {
      first.firstLine(600);
      second.firstLine(600);

      // Each node fetches up to its own -c: only all three at once get past 20 in flight.
      List<String> slow = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        slow.add(url("/delay/0.2"));
      }
      server.resetFaults();
      fetch(urls("slow.txt", slow), "--cluster", seed, "--min-workers", "2", "-c", "10");
      int inFlight = server.stats().maxInFlight();
      assertTrue(inFlight > 20 && inFlight <= 30, "most in flight at the server: " + inFlight);

      // A host never sees more than --per-host in flight from all nodes together.
      List<String> oneHost = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        oneHost.add(url("/delay/0.3"));
      }
      server.resetFaults();
      fetch(
          urls("one-host.txt", oneHost),
          "--cluster",
          seed,
          "--min-workers",
          "2",
          "-c",
          "5",
          "--per-host",
          "4");
      assertEquals(4, server.stats().maxInFlight(), "the limit is reached, never passed");

      // Nor more starts than --per-host-rate, while another host keeps pace.
      String other = "http://localhost:" + server.port();
      List<String> twoHosts = new ArrayList<>();
      for (int i = 0; i < 15; i++) {
        twoHosts.add(url("/get"));
        twoHosts.add(other + "/get");
      }
      server.resetFaults();
      server.stats().recordArrivals();
      fetch(
          urls("two-hosts.txt", twoHosts),
          "--cluster",
          seed,
          "--min-workers",
          "2",
          "-c",
          "5",
          "--per-host-rate",
          "5/s");
      Map<String, List<Long>> byHost =
          server.stats().arrivals().stream()
              .collect(
                  Collectors.groupingBy(
                      ServerStats.Arrival::host,
                      Collectors.mapping(ServerStats.Arrival::nanos, Collectors.toList())));
      assertEquals(2, byHost.size(), byHost.keySet().toString());
      for (Map.Entry<String, List<Long>> host : byHost.entrySet()) {
        List<Long> times = host.getValue();
        assertEquals(15, times.size());
        // Starts are decided 200 ms apart; the server sees them after a trip through a worker
        // process, which a busy machine can hold up for a few hundred ms and then release
        // together. So: 5/s on average over the run, and no 7 starts within 600 ms.
        String spacing =
            host.getKey()
                + ": ms since the first start: "
                + times.stream().map(t -> (t - times.get(0)) / 1_000_000).toList();
        assertTrue(
            times.get(14) - times.get(0) >= 14 * SECOND / 5 - DELIVERY_JITTER,
            "faster than 5/s; " + spacing);
        for (int i = 0; i + 6 < times.size(); i++) {
          assertTrue(
              times.get(i + 6) - times.get(i) >= SECOND - DELIVERY_JITTER,
              "7 starts within "
                  + (SECOND - DELIVERY_JITTER) / 1_000_000
                  + " ms, from start "
                  + i
                  + "; "
                  + spacing);
        }
      }
      // Both hosts take their turns: neither runs ahead by more than a second's worth of starts.
      List<ServerStats.Arrival> arrivals = server.stats().arrivals();
      String firstHost = arrivals.get(0).host();
      int lead = 0;
      for (ServerStats.Arrival arrival : arrivals) {
        lead += arrival.host().equals(firstHost) ? 1 : -1;
        assertTrue(Math.abs(lead) <= 5, "one host ran ahead by " + lead + " starts");
      }
    }
  }
}
