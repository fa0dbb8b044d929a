import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
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
 * The peer a Pekko user would write without fetchpipe: Pekko HTTP's client alone, one shared
 * connection pool, a Semaphore of K, every body read. No actors of fetchpipe, no retries, no
 * output. It runs with fetchpipe's jar and config (same Pekko, same dispatchers), so the
 * difference to `fetchpipe fetch` is what fetchpipe adds.
 *
 * <p>usage: java -cp target/fetchpipe.jar bench/PekkoHttpPeer.java URL_FILE K
 *
 * <p>Prints one line, "<n> requests in <seconds> s (<f> failed)", measured from the first
 * request to the last response, like the other peers.
 */
public final class PekkoHttpPeer {
  public static void main(String[] args) throws Exception {
    List<String> urls = Files.readAllLines(Path.of(args[0])).stream()
        .map(String::trim).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
    int k = Integer.parseInt(args[1]);
    // fetchpipe's application.conf (in the jar) applies, minus the start-up and shutdown log lines.
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "peer",
        ConfigFactory.parseString("pekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
    Http http = Http.get(system);
    Materializer materializer = Materializer.matFromSystem(system);
    // As fetchpipe sizes it: K connections, a queue that the Semaphore never overflows.
    ConnectionPoolSettings pool = ConnectionPoolSettings.create(system.classicSystem())
        .withMaxConnections(k).withMaxOpenRequests(Integer.highestOneBit(Math.max(32, 2 * k) - 1) << 1);
    HttpsConnectionContext https = http.defaultClientHttpsContext();
    LoggingAdapter log = system.classicSystem().log();
    Semaphore permits = new Semaphore(k);
    AtomicInteger failed = new AtomicInteger();
    // Counted, not collected: nothing of a finished request stays in memory (as in fetchpipe).
    CountDownLatch finished = new CountDownLatch(urls.size());
    long start = System.nanoTime();
    for (String url : urls) {
      permits.acquire();
      HttpRequest request = HttpRequest.create().withUri(Uri.create(url));
      http.singleRequest(request, https, pool, log)
          // Explicit executors: Pekko's stages run plain callbacks on the JDK's default async
          // executor, which on a two-core machine starts a thread per callback.
          .thenComposeAsync(response -> response.entity().toStrict(60_000, materializer), system.executionContext())
          .whenCompleteAsync((body, error) -> {
            if (error != null) {
              failed.incrementAndGet();
            }
            permits.release();
            finished.countDown();
          }, system.executionContext());
    }
    finished.await();
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("%d requests in %.3f s (%d failed)%n", urls.size(), seconds, failed.get());
    http.shutdownAllConnectionPools().toCompletableFuture().join();
    system.terminate();
  }
}
