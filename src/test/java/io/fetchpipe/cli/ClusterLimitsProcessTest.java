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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One pair of {@code fetchpipe worker} processes serving coordinator after coordinator: a cluster
 * of three nodes runs a latency-bound job in well under half the time of one node, and the
 * coordinator's per-host limit and per-host rate hold for all nodes together.
 */
class ClusterLimitsProcessTest extends WithEmbeddedServer {
  private static final Pattern SPAN = Pattern.compile(" in ([0-9.]+) s ");
  private static final long SECOND = 1_000_000_000L;

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

  /** Runs one fetch to its end (exit 0, every line ok) and returns its span in seconds. */
  private double fetch(Path input, String... options) throws Exception {
    List<String> args = new ArrayList<>(List.of("fetch"));
    args.addAll(List.of(options));
    args.addAll(List.of("-o", dir.resolve("out-" + (++runs) + ".jsonl").toString(), input.toString()));
    try (CliProcess run = CliProcess.start(dir, "run-" + runs, List.of(), args.toArray(String[]::new))) {
      assertEquals(0, run.exit(120), run.stderr());
      Matcher span = SPAN.matcher(run.stderr());
      assertTrue(span.find(), run.stderr());
      return Double.parseDouble(span.group(1));
    }
  }

  @Test
  void threeNodesShareTheWorkAndTheCoordinatorsLimitsHoldForAllOfThem() throws Exception {
    String seed = freeAddress();
    try (CliProcess first = CliProcess.start(dir, "worker-1", List.of(), "worker", "--join", seed, "-c", "10");
        CliProcess second = CliProcess.start(dir, "worker-2", List.of(), "worker", "--join", seed, "-c", "10")) {
      first.firstLine(600);
      second.firstLine(600);

      // Latency-bound: 300 requests of 0.2 s, ten at a time per node.
      List<String> slow = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        slow.add(url("/delay/0.2"));
      }
      Path slowInput = urls("slow.txt", slow);
      double oneNode = fetch(slowInput, "-c", "10");
      double threeNodes = fetch(slowInput, "--cluster", seed, "--min-workers", "2", "-c", "10");
      assertTrue(threeNodes <= 0.45 * oneNode, "three nodes: " + threeNodes + " s, one: " + oneNode + " s");

      // A host never sees more than --per-host in flight from all nodes together.
      List<String> oneHost = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        oneHost.add(url("/delay/0.3"));
      }
      server.resetFaults();
      fetch(urls("one-host.txt", oneHost), "--cluster", seed, "--min-workers", "2", "-c", "5", "--per-host", "4");
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
      fetch(urls("two-hosts.txt", twoHosts), "--cluster", seed, "--min-workers", "2", "-c", "5",
          "--per-host-rate", "5/s");
      Map<String, List<Long>> byHost = server.stats().arrivals().stream().collect(Collectors.groupingBy(
          ServerStats.Arrival::host, Collectors.mapping(ServerStats.Arrival::nanos, Collectors.toList())));
      assertEquals(2, byHost.size(), byHost.keySet().toString());
      for (Map.Entry<String, List<Long>> host : byHost.entrySet()) {
        List<Long> times = host.getValue();
        assertEquals(15, times.size());
        for (int i = 0; i + 6 < times.size(); i++) {
          assertTrue(times.get(i + 6) - times.get(i) >= SECOND,
              host.getKey() + ": 7 starts within a second, from start " + i);
        }
      }
      List<List<Long>> hosts = List.copyOf(byHost.values());
      long firstDone = Math.min(hosts.get(0).get(14), hosts.get(1).get(14));
      long lastDone = Math.max(hosts.get(0).get(14), hosts.get(1).get(14));
      assertTrue(lastDone - firstDone < SECOND, "the two hosts progress together");
    }
  }
}
