package example.firsthour;

import io.fetchpipe.core.Order;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.Fetcher;
import io.fetchpipe.stream.FetchLines;
import io.fetchpipe.stream.ResultSink;
import io.fetchpipe.stream.UrlLines;
import java.nio.file.Path;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The application: fetches a file of URLs, one per line, into a file of JSON results, one per URL,
 * with a Fetcher in an actor system of its own.
 */
public final class UrlJob implements AutoCloseable {
  private final ActorSystem<Void> system;
  private final Fetcher fetcher;

  /** A job that fetches at most {@code concurrency} URLs at once. */
  public UrlJob(int concurrency) {
    system = ActorSystem.create(Behaviors.empty(), "url-job");
    fetcher =
        Fetcher.create(
            system,
            PoolSettings.create(system).withMaxConcurrency(concurrency),
            FetchSettings.create(system));
  }

  /** Fetches every URL of {@code urls}; the results go to {@code results}, in input order. */
  public CompletionStage<Done> fetch(Path urls, Path results) {
    return UrlLines.fromPath(urls)
        .via(FetchLines.flow(fetcher, Order.INPUT, 1024))
        .runWith(ResultSink.toPath(results, ResultSink.Options.defaults()), system);
  }

  /** Closes the fetcher (its connections too), then the actor system. */
  @Override
  public void close() throws Exception {
    fetcher.close();
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** {@code UrlJob URLS RESULTS}. */
  public static void main(String[] args) throws Exception {
    try (UrlJob job = new UrlJob(64)) {
      job.fetch(Path.of(args[0]), Path.of(args[1])).toCompletableFuture().get(1, TimeUnit.HOURS);
    }
  }
}
