package io.fetchpipe.http;

import io.fetchpipe.core.JobPool;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.http.internal.HostBreakers;
import io.fetchpipe.http.internal.HostPools;
import io.fetchpipe.http.internal.HttpFetchHandler;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.stream.Materializer;

/**
 * Fetches URLs concurrently: the seed's {@code aiohttp.ClientSession} + {@code gather} + {@code
 * Semaphore}, on Pekko HTTP's client under fetchpipe's throttling router. A Fetcher is a {@link
 * JobPool} of {@link FetchRequest}s, so it offers the pools' operations (start, gather,
 * gatherOrFail, asCompleted, flow) with their options, plus {@link #fetchAll(List)} for plain
 * URLs. One Fetcher shares one connection pool per host and one concurrency cap (and rate,
 * per-host limit and retry budget) across all its calls.
 *
 * <p>Every request yields exactly one outcome: a {@link FetchResponse} whenever a response
 * arrived (any status, unless statuses are raised), or a failure of a kind of {@link
 * FetchErrorKind} or the core's ({@code timeout}, {@code cancelled}). Each attempt has one
 * timeout, from sending to the last body byte, redirects included.
 *
 * <p>The Fetcher owns its connection pools (in a materializer of its own): {@link #close()}
 * cancels what is unfinished, stops its actors and closes every connection it opened.
 */
public final class Fetcher extends JobPool<FetchRequest, FetchResponse> {
  private final FetchSettings settings;
  private final HostPools pools;
  private final Materializer materializer;

  private Fetcher(JobPool<FetchRequest, FetchResponse> pool, FetchSettings settings, HostPools pools,
      Materializer materializer) {
    super(pool);
    this.settings = settings;
    this.pools = pools;
    this.materializer = materializer;
  }

  /** A fetcher with the settings of the system's config ({@code fetchpipe.pool}, {@code fetchpipe.http}). */
  public static Fetcher create(ActorSystem<?> system) {
    return create(system, PoolSettings.create(system), FetchSettings.create(system));
  }

  /**
   * A fetcher with explicit settings. The pool's task timeout is the fetch timeout (per attempt,
   * from sending to the last body byte); a call's {@code GatherOptions} may still override it.
   */
  public static Fetcher create(ActorSystem<?> system, PoolSettings poolSettings, FetchSettings fetchSettings) {
    Materializer materializer = Materializer.createMaterializer(system);
    ConnectionPoolSettings connectionPool = connectionPool(system, poolSettings, fetchSettings);
    HostPools pools = new HostPools(system, materializer, connectionPool, connectionPool.getMaxOpenRequests(),
        fetchSettings.poolIdleTimeout(), fetchSettings.maxIdlePools());
    HostBreakers breakers = new HostBreakers(system.classicSystem().scheduler(),
        fetchSettings.breakerMaxFailures(), fetchSettings.breakerResetTimeout());
    HttpFetchHandler handler =
        new HttpFetchHandler(fetchSettings, pools, breakers, materializer, system.executionContext());
    JobPool<FetchRequest, FetchResponse> pool =
        JobPool.create(system, poolSettings.withTaskTimeout(fetchSettings.timeout()), handler);
    return new Fetcher(pool, fetchSettings, pools, materializer);
  }

  /**
   * Pekko HTTP's per-host pool sized from the concurrency settings, so it never rejects a request
   * the router lets through: as many connections as may run at once, a queue (a power of two)
   * with room for requests whose connection is still busy after a timeout, no retries of its own
   * (retries are the router's), a connection idle timeout equal to the attempt timeout, and the
   * pool's own idle timeout that of {@code connection-pools}.
   */
  static ConnectionPoolSettings connectionPool(ActorSystem<?> system, PoolSettings pool, FetchSettings fetch) {
    int perHost = pool.maxPerKey() > 0 ? Math.min(pool.maxPerKey(), pool.maxConcurrency()) : pool.maxConcurrency();
    int openRequests = Integer.highestOneBit(Math.max(32, perHost * 2) - 1) << 1;
    ClientConnectionSettings connection = ClientConnectionSettings.create(system.classicSystem())
        .withIdleTimeout(fetch.timeout())
        .withConnectingTimeout(fetch.timeout());
    return ConnectionPoolSettings.create(system.classicSystem())
        .withIdleTimeout(fetch.poolIdleTimeout())
        .withMaxConnections(perHost)
        .withMaxOpenRequests(openRequests)
        .withMaxRetries(0)
        .withConnectionSettings(connection);
  }

  /** The fetch settings in use. */
  public FetchSettings fetchSettings() {
    return settings;
  }

  /** Fetches one URL with GET ({@code asyncio.create_task(fetch(url))}). */
  public CompletionStage<FetchResponse> fetch(String url) {
    return start(FetchRequest.get(url));
  }

  /** Fetches every URL with GET; one outcome per URL, in input order; never fails. */
  public CompletionStage<List<Outcome<FetchResponse>>> fetchAll(List<String> urls) {
    return gather(urls.stream().map(FetchRequest::get).toList());
  }

  /** How many host connection pools are open now (idle ones close after the idle timeout). */
  public int openConnectionPools() {
    return pools.openPools();
  }

  /**
   * Closes the fetcher: unfinished requests are cancelled, its actors stop, then every
   * connection it opened is closed at once.
   */
  @Override
  public CompletionStage<Done> closeAsync() {
    return super.closeAsync()
        .thenCompose(done -> pools.shutdown(settings.poolCloseGrace()))
        .whenComplete((done, error) -> materializer.shutdown());
  }
}
