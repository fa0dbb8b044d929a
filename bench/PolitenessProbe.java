import io.fetchpipe.testing.ClockedServer;
import io.fetchpipe.testing.PoliteServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Politeness as servers see it, with {@code java -jar fetchpipe.jar fetch} runs in fresh JVMs (no
 * launcher flags) against servers in this JVM that note every arrival on their own clock.
 *
 * <ul>
 *   <li>{@code throttle JAR URLS_PER_HOST ROUNDS}: the server that answers 429 (Retry-After: 1)
 *       whenever a host has more than 2 requests in flight or more than 5 starts in the last
 *       second, two hosts (127.0.0.1 and localhost); {@code -c 32 --adaptive} against {@code -c 32
 *       --retries 10}, interleaved round by round. Per run: wall time, requests, 429s, 429s after
 *       the first 3 s, URLs that ended 200, and requests/429s in each second.
 *   <li>{@code rate JAR RUNS}: {@code -r 10/s} over 30 URLs of one host, RUNS fresh JVMs alone and
 *       RUNS with two CPU burners (busy shell loops) beside them; per run the most arrivals in any
 *       one-second window.
 * </ul>
 *
 * usage: java -cp target/fetchpipe.jar:CLASSES PolitenessProbe throttle|rate JAR ...
 */
public final class PolitenessProbe {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  public static void main(String[] args) throws Exception {
    Path work = Files.createTempDirectory("politeness");
    switch (args[0]) {
      case "throttle" ->
          throttle(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), work);
      case "rate" -> rate(Path.of(args[1]), Integer.parseInt(args[2]), work);
      default -> throw new IllegalArgumentException("throttle or rate, not " + args[0]);
    }
  }

  private static void throttle(Path jar, int perHost, int rounds, Path work) throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "servers");
    try {
      for (int round = 1; round <= rounds; round++) {
        for (List<String> variant : List.of(List.of("--adaptive"), List.of("--retries", "10"))) {
          try (PoliteServer server =
              PoliteServer.start(
                  system,
                  PoliteServer.throttling(
                      system, 2, 5, Duration.ofSeconds(1), Duration.ofMillis(20)))) {
            List<String> urls = new ArrayList<>();
            for (int i = 0; i < perHost; i++) {
              urls.add(server.url("127.0.0.1", "/item/" + i));
              urls.add(server.url("localhost", "/item/" + i));
            }
            List<String> options = new ArrayList<>(List.of("-c", "32"));
            options.addAll(variant);
            Run run = fetch(jar, options, urls, work, false);
            report(
                "round " + round + " -c 32 " + String.join(" ", variant), run, server.arrivals());
          }
        }
      }
    } finally {
      system.terminate();
    }
  }

  private static void report(String name, Run run, List<PoliteServer.Arrival> arrivals) {
    long start = arrivals.get(0).nanos();
    int seconds = (int) ((arrivals.get(arrivals.size() - 1).nanos() - start) / SECOND) + 1;
    int[] all = new int[seconds];
    int[] refused = new int[seconds];
    long refusedLater = 0;
    for (PoliteServer.Arrival arrival : arrivals) {
      int second = (int) ((arrival.nanos() - start) / SECOND);
      all[second]++;
      if (arrival.status() == 429) {
        refused[second]++;
        refusedLater += second >= 3 ? 1 : 0;
      }
    }
    long laterRequests = arrivals.stream().filter(a -> a.nanos() - start >= 3 * SECOND).count();
    StringBuilder perSecond = new StringBuilder();
    for (int i = 0; i < seconds; i++) {
      perSecond.append(i == 0 ? "" : " ").append(all[i]).append('/').append(refused[i]);
    }
    System.out.printf(
        Locale.ROOT,
        "%-32s %6.1f s  %4d requests  %4d x 429  after 3 s: %d of %d (%.1f %%)  "
            + "ended 200: %d of %d%n    requests/429s per second: %s%n",
        name,
        run.seconds(),
        arrivals.size(),
        arrivals.stream().filter(a -> a.status() == 429).count(),
        refusedLater,
        laterRequests,
        laterRequests == 0 ? 0.0 : 100.0 * refusedLater / laterRequests,
        run.ok200(),
        run.lines(),
        perSecond);
  }

  private static void rate(Path jar, int runs, Path work) throws Exception {
    for (int burners : new int[] {0, 2}) {
      List<Integer> most = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        try (ClockedServer server = ClockedServer.start()) {
          List<String> urls = new ArrayList<>();
          for (int u = 0; u < 30; u++) {
            urls.add(server.url("/item/" + u));
          }
          fetch(jar, List.of("-r", "10/s"), urls, work, burners > 0);
          List<PoliteServer.Arrival> arrivals = server.arrivals();
          most.add(mostInAWindow(arrivals));
          if (mostInAWindow(arrivals) > 10) {
            System.out.println("    over the rate; ms between arrivals: " + gaps(arrivals));
          }
        }
      }
      System.out.printf(
          Locale.ROOT,
          "-r 10/s, %d CPU burners: most arrivals in any 1 s window, per run: %s%n",
          burners,
          most);
    }
  }

  private static List<Long> gaps(List<PoliteServer.Arrival> arrivals) {
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < arrivals.size(); i++) {
      gaps.add((arrivals.get(i).nanos() - arrivals.get(i - 1).nanos()) / 1_000_000);
    }
    return gaps;
  }

  private static int mostInAWindow(List<PoliteServer.Arrival> arrivals) {
    int most = 0;
    int from = 0;
    for (int i = 0; i < arrivals.size(); i++) {
      while (arrivals.get(i).nanos() - arrivals.get(from).nanos() >= SECOND) {
        from++;
      }
      most = Math.max(most, i - from + 1);
    }
    return most;
  }

  private record Run(double seconds, long lines, long ok200) {}

  /**
   * One {@code java -jar JAR fetch -q OPTIONS FILE} in a fresh JVM, with two busy loops beside it
   * if asked.
   */
  private static Run fetch(
      Path jar, List<String> options, List<String> urls, Path work, boolean burn) throws Exception {
    Path input = Files.write(work.resolve("urls.txt"), urls);
    Path output = work.resolve("out.jsonl");
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString(),
                "fetch",
                "-q"));
    command.addAll(options);
    command.addAll(List.of("-o", output.toString(), input.toString()));
    List<Process> burners = new ArrayList<>();
    try {
      if (burn) {
        for (int i = 0; i < 2; i++) {
          burners.add(new ProcessBuilder("bash", "-c", "while :; do :; done").start());
        }
      }
      long began = System.nanoTime();
      Process fetch =
          new ProcessBuilder(command)
              .inheritIO()
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!fetch.waitFor(600, TimeUnit.SECONDS)) {
        fetch.destroyForcibly();
        throw new IllegalStateException("the fetch did not end");
      }
      double seconds = (System.nanoTime() - began) / 1e9;
      List<String> lines = Files.readAllLines(output);
      return new Run(
          seconds,
          lines.size(),
          lines.stream().filter(line -> line.contains("\"status\":200")).count());
    } finally {
      burners.forEach(Process::destroyForcibly);
    }
  }
}
