import com.typesafe.config.ConfigFactory;
import io.fetchpipe.cli.Main;
import io.fetchpipe.core.Order;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.core.TaskContext;
import io.fetchpipe.http.FetchRequest;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.Fetcher;
import io.fetchpipe.http.internal.FetchClient;
import io.fetchpipe.http.internal.TargetUrl;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Which layer of fetchpipe costs what, measured in one warm JVM: rounds of N requests (one URL, or
 * a list of URLs over many hosts, cycled) at concurrency K, each round running, one after another,
 * the same requests through
 *
 * <ul>
 *   <li>{@code pekko}: Pekko HTTP's client alone ({@code singleRequest}, every body read, a
 *       Semaphore of K): bench/PekkoHttpPeer.java's loop;
 *   <li>{@code handler}: fetchpipe's HTTP handler alone (URL reading, request building, the
 *       fetcher's connection cache, the circuit breaker, the body read), called the same way;
 *   <li>{@code handler-pools}, {@code handler-hybrid}: the same handler on the other connection
 *       layers measured against the cache: one Pekko host pool per host ({@link HostPoolLayer},
 *       fetchpipe's layer before the cache), and host pools only for hosts with a backlog ({@link
 *       HybridLayer});
 *   <li>{@code flow}: a {@code Fetcher}'s flow, so the router, its workers and the job flow too;
 *   <li>{@code cli}: the whole {@code fetchpipe fetch -o /dev/null} in this JVM (its actor system's
 *       start and stop included; the rate is its own first-to-last figure).
 * </ul>
 *
 * Every round of a layer starts with no connection open (a new client, fetcher or command; Pekko
 * HTTP's pools shut down after its rounds), as a process starting the same work would. A layer's
 * cost is its difference to the one before. Interleaving the layers round by round and taking
 * medians keeps the machine's changing load and the JIT's warm-up out of the comparison, which
 * separate processes (bench/run.sh) cannot. The first round warms up and is not counted.
 *
 * <p>usage: bench/layers.sh (compiles it with bench/PekkoHttpPeer.java and the candidate layers,
 * and runs it against the bench's nginx with bin/fetchpipe's JVM options; arguments: URL|@FILE N
 * ROUNDS K [LAYER...])
 */
public final class LayerProbe {
  private static final Pattern SPAN = Pattern.compile("in ([0-9.]+) s");

  public static void main(String[] args) throws Exception {
    List<String> urls =
        args[0].startsWith("@")
            ? Files.readAllLines(Path.of(args[0].substring(1)))
            : List.of(args[0]);
    int n = Integer.parseInt(args[1]);
    int rounds = Integer.parseInt(args[2]);
    int k = Integer.parseInt(args[3]);
    List<String> layers =
        args.length > 4
            ? List.of(args).subList(4, args.length)
            : List.of("pekko", "handler", "flow", "cli");
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "probe",
            ConfigFactory.parseString("pekko.loglevel = WARNING")
                .withFallback(ConfigFactory.load()));
    PoolSettings pool = PoolSettings.create(system).withMaxConcurrency(k);
    FetchSettings fetch = FetchSettings.create(system);
    List<String> requests = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      requests.add(urls.get(i % urls.size()));
    }
    Path file = Files.createTempFile("layer-probe", ".txt");
    Files.write(file, requests);
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    Map<String, List<double[]>> results = new LinkedHashMap<>();
    try {
      for (int round = 0; round <= rounds; round++) {
        for (String layer : layers) {
          AtomicInteger failed = new AtomicInteger();
          long cpu = os.getProcessCpuTime();
          // LAYER:N keeps at most N idle connections (connections.max-idle) instead of the
          // configured number.
          int colon = layer.indexOf(':');
          FetchSettings settings =
              colon < 0
                  ? fetch
                  : fetch.withMaxIdleConnections(Integer.parseInt(layer.substring(colon + 1)));
          double seconds =
              switch (colon < 0 ? layer : layer.substring(0, colon)) {
                case "pekko" -> pekko(system, requests, k, failed);
                case "handler" ->
                    handler(system, settings, FetchClient.Layers.CACHE, requests, k, failed);
                case "handler-pools" ->
                    handler(system, settings, HostPoolLayer::create, requests, k, failed);
                case "handler-hybrid" ->
                    handler(system, settings, HybridLayer::new, requests, k, failed);
                case "flow" -> flow(system, pool, settings, requests, k, failed);
                case "cli" -> cli(file, k);
                default -> throw new IllegalArgumentException("unknown layer " + layer);
              };
          double cpuMicros = (os.getProcessCpuTime() - cpu) / 1e3 / n;
          if (failed.get() > 0) {
            throw new IllegalStateException(layer + ": " + failed.get() + " requests failed");
          }
          System.err.printf(
              "round %d %-15s %8.0f req/s %8.1f µs CPU/req%n",
              round, layer, n / seconds, cpuMicros);
          if (round > 0) {
            results
                .computeIfAbsent(layer, key -> new ArrayList<>())
                .add(new double[] {n / seconds, cpuMicros});
          }
        }
      }
    } finally {
      Files.deleteIfExists(file);
      system.terminate();
    }
    long hosts = urls.stream().map(TargetUrl::hostKeyOrNull).distinct().count();
    System.out.printf(
        "N=%d over %d host%s, K=%d, %d rounds (medians)%n",
        n, hosts, hosts == 1 ? "" : "s", k, rounds);
    System.out.printf("%-15s %10s %8s %12s %8s%n", "layer", "req/s", "speed", "CPU/req", "CPU");
    double[] base = null;
    for (Map.Entry<String, List<double[]>> entry : results.entrySet()) {
      double rate = median(entry.getValue(), 0);
      double cpu = median(entry.getValue(), 1);
      if (base == null) {
        base = new double[] {rate, cpu};
      }
      System.out.printf(
          "%-15s %10.0f %7.2fx %9.1f µs %7.2fx%n",
          entry.getKey(), rate, rate / base[0], cpu, cpu / base[1]);
    }
  }

  private static double pekko(
      ActorSystem<Void> system, List<String> requests, int k, AtomicInteger failed)
      throws InterruptedException {
    long start = System.nanoTime();
    failed.addAndGet(PekkoHttpPeer.fetchAll(system, requests.iterator(), k).failed());
    double seconds = (System.nanoTime() - start) / 1e9;
    Http.get(system)
        .shutdownAllConnectionPools()
        .toCompletableFuture()
        .join(); // the next round starts with none
    return seconds;
  }

  private static double handler(
      ActorSystem<Void> system,
      FetchSettings fetch,
      FetchClient.Layers layers,
      List<String> requests,
      int k,
      AtomicInteger failed)
      throws InterruptedException {
    FetchClient client = FetchClient.start(system, k, k, fetch, layers);
    long start = System.nanoTime();
    Semaphore permits = new Semaphore(k);
    int i = 0;
    for (String url : requests) {
      permits.acquire();
      client
          .handler()
          .handle(FetchRequest.get(url), TaskContext.firstAttempt(i++))
          .whenComplete(
              (response, error) -> {
                if (error != null) {
                  failed.incrementAndGet();
                }
                permits.release();
              });
    }
    permits.acquire(k);
    double seconds = (System.nanoTime() - start) / 1e9;
    client.close().toCompletableFuture().join();
    return seconds;
  }

  private static double flow(
      ActorSystem<Void> system,
      PoolSettings pool,
      FetchSettings fetch,
      List<String> requests,
      int k,
      AtomicInteger failed) {
    Fetcher fetcher = Fetcher.create(system, pool, fetch);
    long start = System.nanoTime();
    Source.from(requests)
        .map(FetchRequest::get)
        .via(fetcher.flow(Order.INPUT, Math.max(1024, 2 * k)))
        .runForeach(
            done -> {
              if (!done.outcome().isSuccess()) {
                failed.incrementAndGet();
              }
            },
            system)
        .toCompletableFuture()
        .join();
    double seconds = (System.nanoTime() - start) / 1e9;
    fetcher.close();
    return seconds;
  }

  /** The command line's own first-to-last time, from its summary line. */
  private static double cli(Path file, int k) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Main.run(
            new String[] {"fetch", "-c", String.valueOf(k), "-o", "/dev/null", file.toString()},
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err));
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
