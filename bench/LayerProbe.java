import com.typesafe.config.ConfigFactory;
import io.fetchpipe.cli.Main;
import io.fetchpipe.core.Order;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.core.TaskContext;
import io.fetchpipe.http.FetchRequest;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.Fetcher;
import io.fetchpipe.http.internal.FetchClient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Which layer of fetchpipe costs what, measured in one warm JVM: rounds of N requests to one URL
 * at concurrency K, each round running, one after another, the same requests through
 *
 * <ul>
 *   <li>{@code pekko}: Pekko HTTP's client alone ({@code singleRequest}, every body read, a
 *       Semaphore of K): bench/PekkoHttpPeer.java's loop;
 *   <li>{@code handler}: fetchpipe's HTTP handler alone (URL reading, request building, the
 *       fetcher's own connection pools, the circuit breaker, the body read), called the same way;
 *   <li>{@code flow}: a {@code Fetcher}'s flow, so the router, its workers and the job flow too;
 *   <li>{@code cli}: the whole {@code fetchpipe fetch -o /dev/null} in this JVM (its actor
 *       system's start and stop included; the rate is its own first-to-last figure).
 * </ul>
 *
 * A layer's cost is its difference to the one before. Interleaving the layers round by round and
 * taking medians keeps the machine's changing load and the JIT's warm-up out of the comparison,
 * which separate processes (bench/run.sh) cannot. The first round warms up and is not counted.
 *
 * <p>usage: bench/layers.sh (compiles it with bench/PekkoHttpPeer.java and runs it against the
 * bench's nginx with bin/fetchpipe's JVM options; arguments: URL N ROUNDS K [LAYER...])
 */
public final class LayerProbe {
  private static final Pattern SPAN = Pattern.compile("in ([0-9.]+) s");

  public static void main(String[] args) throws Exception {
    String url = args[0];
    int n = Integer.parseInt(args[1]);
    int rounds = Integer.parseInt(args[2]);
    int k = Integer.parseInt(args[3]);
    List<String> layers = args.length > 4 ? List.of(args).subList(4, args.length)
        : List.of("pekko", "handler", "flow", "cli");
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "probe",
        ConfigFactory.parseString("pekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
    PoolSettings pool = PoolSettings.create(system).withMaxConcurrency(k);
    FetchSettings fetch = FetchSettings.create(system);
    FetchClient client = FetchClient.start(system, k, fetch);
    Fetcher fetcher = Fetcher.create(system, pool, fetch);
    Path file = Files.createTempFile("layer-probe", ".txt");
    Files.write(file, Collections.nCopies(n, url));
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    Map<String, List<double[]>> results = new LinkedHashMap<>();
    try {
      for (int round = 0; round <= rounds; round++) {
        for (String layer : layers) {
          AtomicInteger failed = new AtomicInteger();
          long cpu = os.getProcessCpuTime();
          long start = System.nanoTime();
          double seconds = switch (layer) {
            case "pekko" -> pekko(system, url, n, k, failed);
            case "handler" -> handler(client, url, n, k, failed);
            case "flow" -> flow(system, fetcher, url, n, k, failed);
            case "cli" -> cli(file, k);
            default -> throw new IllegalArgumentException("unknown layer " + layer);
          };
          if (seconds < 0) {
            seconds = (System.nanoTime() - start) / 1e9;
          }
          double cpuMicros = (os.getProcessCpuTime() - cpu) / 1e3 / n;
          if (failed.get() > 0) {
            throw new IllegalStateException(layer + ": " + failed.get() + " requests failed");
          }
          if (round > 0) {
            results.computeIfAbsent(layer, key -> new ArrayList<>()).add(new double[] {n / seconds, cpuMicros});
          }
        }
      }
    } finally {
      Files.deleteIfExists(file);
      fetcher.close();
      client.close().toCompletableFuture().join();
      system.terminate();
    }
    System.out.printf("N=%d, K=%d, %d rounds (medians)%n", n, k, rounds);
    System.out.printf("%-8s %10s %8s %12s %8s%n", "layer", "req/s", "speed", "CPU/req", "CPU");
    double[] base = null;
    for (Map.Entry<String, List<double[]>> entry : results.entrySet()) {
      double rate = median(entry.getValue(), 0);
      double cpu = median(entry.getValue(), 1);
      if (base == null) {
        base = new double[] {rate, cpu};
      }
      System.out.printf("%-8s %10.0f %7.2fx %9.1f µs %7.2fx%n", entry.getKey(), rate, rate / base[0], cpu, cpu / base[1]);
    }
  }

  private static double pekko(ActorSystem<Void> system, String url, int n, int k, AtomicInteger failed)
      throws InterruptedException {
    failed.addAndGet(PekkoHttpPeer.fetchAll(system, Collections.nCopies(n, url).iterator(), k).failed());
    return -1;
  }

  private static double handler(FetchClient client, String url, int n, int k, AtomicInteger failed)
      throws InterruptedException {
    Semaphore permits = new Semaphore(k);
    for (int i = 0; i < n; i++) {
      permits.acquire();
      client.handler().handle(FetchRequest.get(url), TaskContext.firstAttempt(i)).whenComplete((response, error) -> {
        if (error != null) {
          failed.incrementAndGet();
        }
        permits.release();
      });
    }
    permits.acquire(k);
    return -1;
  }

  private static double flow(ActorSystem<Void> system, Fetcher fetcher, String url, int n, int k,
      AtomicInteger failed) {
    Source.repeat(url).take(n).map(FetchRequest::get)
        .via(fetcher.flow(Order.INPUT, Math.max(1024, 2 * k)))
        .runForeach(done -> {
          if (!done.outcome().isSuccess()) {
            failed.incrementAndGet();
          }
        }, system)
        .toCompletableFuture().join();
    return -1;
  }

  /** The command line's own first-to-last time, from its summary line. */
  private static double cli(Path file, int k) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.run(new String[] {"fetch", "-c", String.valueOf(k), "-o", "/dev/null", file.toString()},
        new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
    Matcher span = SPAN.matcher(err.toString());
    if (status != 0 || !span.find()) {
      throw new IllegalStateException("fetchpipe fetch exited " + status + ": " + err);
    }
    return Double.parseDouble(span.group(1));
  }

  private static double median(List<double[]> rows, int column) {
    double[] values = rows.stream().mapToDouble(row -> row[column]).sorted().toArray();
    return values[values.length / 2];
  }
}
