import com.typesafe.config.ConfigFactory;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.stream.Materializer;

/**
 * The peer a Pekko user would write without fetchpipe: Pekko HTTP's client alone, one {@code
 * singleRequest} per URL, a Semaphore of K, every body read. No actors of fetchpipe, no retries, no
 * output. It runs with fetchpipe's jar and config (same Pekko, same dispatchers), so the difference
 * to `fetchpipe fetch` is what fetchpipe adds.
 *
 * <p>URLs may name any number of hosts: {@code singleRequest} keeps one host connection pool per
 * host and port, each sized as fetchpipe sizes its own (K connections, as fetchpipe without {@code
 * --per-host} lets all K requests go to one host, and a queue the Semaphore never overflows). Pools
 * are Pekko's to keep or close (its idle-timeout), as for any Pekko user.
 *
 * <p>usage: java -cp target/fetchpipe.jar bench/PekkoHttpPeer.java URL_FILE K
 *
 * <p>Prints one line, "<n> requests in <seconds> s (<f> failed)", measured from the first request
 * to the last response, like the other peers. The URL file is read as the requests go, as fetchpipe
 * reads its input, so memory does not grow with the number of URLs.
 */
public final class PekkoHttpPeer {
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    int k = Integer.parseInt(args[1]);
    // fetchpipe's application.conf (in the jar) applies, minus the start-up and shutdown log lines.
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "peer",
            ConfigFactory.parseString("pekko.loglevel = WARNING")
                .withFallback(ConfigFactory.load()));
    Run run;
    try (BufferedReader lines = Files.newBufferedReader(file)) {
      Iterator<String> urls =
          lines
              .lines()
              .map(String::trim)
              .filter(url -> !url.isEmpty() && !url.startsWith("#"))
              .iterator();
      run = fetchAll(system, urls, k);
    }
    double seconds = (System.nanoTime() - run.firstRequestNanos()) / 1e9;
    System.out.printf("%d requests in %.3f s (%d failed)%n", run.requests(), seconds, run.failed());
    Http http = Http.get(system);
    http.shutdownAllConnectionPools().toCompletableFuture().join();
    system.terminate();
  }

  /**
   * How a run went: requests sent, how many failed, and when the first was sent (System.nanoTime).
   */
  record Run(int requests, int failed, long firstRequestNanos) {}

  /**
   * Fetches every URL with {@code singleRequest}, at most {@code k} at once, every body read;
   * returns once every request has ended. bench/LayerProbe.java measures this same loop in its warm
   * JVM.
   */
  static Run fetchAll(ActorSystem<?> system, Iterator<String> urls, int k)
      throws InterruptedException {
    Http http = Http.get(system);
    Materializer materializer = Materializer.matFromSystem(system);
    ConnectionPoolSettings pool =
        ConnectionPoolSettings.create(system.classicSystem())
            .withMaxConnections(k)
            .withMaxOpenRequests(Integer.highestOneBit(Math.max(32, 2 * k) - 1) << 1);
    HttpsConnectionContext https = http.defaultClientHttpsContext();
    LoggingAdapter log = system.classicSystem().log();
    Semaphore permits = new Semaphore(k);
    AtomicInteger failed = new AtomicInteger();
    int n = 0;
    long start = 0;
    while (urls.hasNext()) {
      String url = urls.next();
      permits.acquire();
      if (n++ == 0) {
        start = System.nanoTime();
      }
      HttpRequest request = HttpRequest.create().withUri(Uri.create(url));
      http.singleRequest(request, https, pool, log)
          // Explicit executors: Pekko's stages run plain callbacks on the JDK's default async
          // executor, which on a two-core machine starts a thread per callback.
          .thenComposeAsync(
              response -> response.entity().toStrict(60_000, materializer),
              system.executionContext())
          // Counted, not collected: nothing of a finished request stays in memory (as in
          // fetchpipe).
          .whenCompleteAsync(
              (body, error) -> {
                if (error != null) {
                  failed.incrementAndGet();
                }
                permits.release();
              },
              system.executionContext());
    }
    // Every request has ended once all K permits are back.
    permits.acquire(k);
    return new Run(n, failed.get(), start);
  }
}
