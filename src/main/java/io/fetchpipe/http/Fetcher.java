package io.fetchpipe.http;

import io.fetchpipe.core.GatherControl;
import io.fetchpipe.core.GatherOptions;
import io.fetchpipe.core.JobPool;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.TaskPoolSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Fetches URLs concurrently: the seed's {@code aiohttp.ClientSession} + {@code gather} +
 * {@code Semaphore}, on Pekko HTTP's client under fetchpipe's throttling router. One Fetcher
 * shares one connection pool per host and one concurrency cap (and rate, per-host limit and
 * retry budget) across all its calls.
 *
 * <p>Every URL yields exactly one outcome: a {@link FetchResult} whenever a response arrived
 * (any status, unless statuses are raised), or a failure with the kinds of {@link
 * io.fetchpipe.core.ErrorKind} ({@code invalid-url}, {@code connect}, {@code timeout}, {@code
 * io}, {@code too-large}, {@code http-status}, {@code too-many-redirects}, {@code cancelled}).
 */
public final class Fetcher implements AutoCloseable {
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  private final ActorSystem<?> system;
  private final JobPool<FetchRequest, FetchResult> pool;
  private final FetchSettings settings;

  private Fetcher(ActorSystem<?> system, JobPool<FetchRequest, FetchResult> pool, FetchSettings settings) {
    this.system = system;
    this.pool = pool;
    this.settings = settings;
  }

  /** A fetcher with the settings of the system's config ({@code fetchpipe.pool}, {@code fetchpipe.http}). */
  public static Fetcher create(ActorSystem<?> system) {
    return create(system, TaskPoolSettings.create(system), FetchSettings.create(system));
  }

  /** A fetcher with explicit settings. */
  public static Fetcher create(ActorSystem<?> system, TaskPoolSettings poolSettings, FetchSettings fetchSettings) {
    HttpFetchHandler handler = new HttpFetchHandler(system, fetchSettings, connectionPool(system, poolSettings, fetchSettings));
    return new Fetcher(system, JobPool.create(system, poolSettings, handler), fetchSettings);
  }

  /**
   * Pekko HTTP's per-host pool sized from the concurrency settings, so it never rejects a request
   * the router lets through: as many connections as may run at once, a queue (a power of two)
   * with room for requests whose connection is still being closed after a timeout, no retries of
   * its own (retries are the router's), and an idle timeout equal to the attempt timeout, which
   * closes a connection whose response never came.
   */
  static ConnectionPoolSettings connectionPool(ActorSystem<?> system, TaskPoolSettings pool, FetchSettings fetch) {
    int perHost = pool.maxPerKey() > 0 ? Math.min(pool.maxPerKey(), pool.maxConcurrency()) : pool.maxConcurrency();
    int openRequests = Integer.highestOneBit(Math.max(32, perHost * 2) - 1) << 1;
    ClientConnectionSettings connection = ClientConnectionSettings.create(system.classicSystem())
        .withIdleTimeout(fetch.timeout())
        .withConnectingTimeout(fetch.timeout());
    return ConnectionPoolSettings.create(system.classicSystem())
        .withMaxConnections(perHost)
        .withMaxOpenRequests(openRequests)
        .withMaxRetries(0)
        .withConnectionSettings(connection);
  }

  /** The fetch settings in use. */
  public FetchSettings settings() {
    return settings;
  }

  /** The pool settings in use. */
  public TaskPoolSettings poolSettings() {
    return pool.settings();
  }

  /** Requests for plain URL strings: index = position, line = position + 1. */
  public static List<FetchRequest> requests(List<String> urls) {
    List<FetchRequest> requests = new ArrayList<>(urls.size());
    for (int i = 0; i < urls.size(); i++) {
      requests.add(new FetchRequest(i, i + 1L, urls.get(i).trim()));
    }
    return requests;
  }

  /** Fetches every URL; one outcome per URL, in input order; never fails. */
  public CompletionStage<List<Outcome<FetchResult>>> gather(List<FetchRequest> requests) {
    return pool.gather(requests, GatherOptions.defaults());
  }

  /** {@link #gather(List)} for plain URL strings. */
  public CompletionStage<List<Outcome<FetchResult>>> fetchAll(List<String> urls) {
    return gather(requests(urls));
  }

  /** The outcomes as they complete (as_completed), as a stream. */
  public Source<Outcome<FetchResult>, GatherControl> asCompleted(List<FetchRequest> requests) {
    return pool.asCompleted(requests, GatherOptions.defaults());
  }

  /**
   * A stream stage from requests to {@link Fetched} (request and outcome), in input order or as
   * they complete, for inputs of any length; see {@link JobPool#flow}.
   */
  public Flow<FetchRequest, Fetched, NotUsed> flow(int window, boolean ordered, boolean failFast) {
    return pool.flow(window, ordered, failFast).map(pair -> new Fetched(pair.first(), pair.second()));
  }

  /**
   * Cancels what is unfinished. The HTTP connection pools stay (they close when idle, and other
   * users of the actor system may share them); an application that owns the actor system calls
   * {@link #shutdownConnectionPools(ActorSystem)} before terminating it.
   */
  @Override
  public void close() {
    pool.close();
  }

  /**
   * Shuts down every Pekko HTTP connection pool of the system and waits (up to 10 s): call it
   * before terminating an actor system that fetched, or Pekko HTTP may log errors about pools
   * that shut down unexpectedly.
   */
  public static void shutdownConnectionPools(ActorSystem<?> system) {
    try {
      Http.get(system).shutdownAllConnectionPools().toCompletableFuture()
          .get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      system.log().warn("HTTP connection pools did not shut down cleanly: {}", e.toString());
    }
  }
}
