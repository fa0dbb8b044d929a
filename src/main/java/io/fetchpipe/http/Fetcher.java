package io.fetchpipe.http;

import io.fetchpipe.core.JobPool;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.core.internal.Part;
import io.fetchpipe.core.internal.SendGate;
import io.fetchpipe.http.internal.FetchClient;
import io.fetchpipe.http.internal.ObservedClient;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Fetches URLs concurrently: the seed's {@code aiohttp.ClientSession} + {@code gather} + {@code
 * Semaphore}, on Pekko HTTP's client under fetchpipe's throttling router. A Fetcher is a {@link
 * JobPool} of {@link FetchRequest}s, so it offers the pools' operations (start, gather,
 * gatherOrFail, asCompleted, flow) with their options, plus {@link #fetchAll(List)} for plain URLs.
 * One Fetcher shares its kept-alive connections and one concurrency cap (and rate, per-host limit
 * and retry budget) across all its calls.
 *
 * <p>Every request yields exactly one outcome: a {@link FetchResponse} whenever a response arrived
 * (any status, unless statuses are raised), or a failure of a kind of {@link FetchErrorKind} or the
 * core's ({@code timeout}, {@code cancelled}). Each attempt has one timeout, from sending to the
 * last body byte, redirects included.
 *
 * <p>The Fetcher owns its connections (in a materializer of its own): {@link #close()} cancels what
 * is unfinished, stops its actors and closes every connection it opened.
 */
public final class Fetcher extends JobPool<FetchRequest, FetchResponse> {
  private final FetchSettings settings;
  private final FetchClient client;
  private final Part connections;

  private Fetcher(
      JobPool<FetchRequest, FetchResponse> pool, FetchSettings settings, FetchClient client) {
    super(pool);
    this.settings = settings;
    this.client = client;
    this.connections = ObservedClient.register(pool.system(), pool.name(), client);
  }

  /**
   * A fetcher with the settings of the system's config ({@code fetchpipe.pool}, {@code
   * fetchpipe.http}).
   */
  public static Fetcher create(ActorSystem<?> system) {
    return create(system, PoolSettings.create(system), FetchSettings.create(system));
  }

  /**
   * A fetcher with explicit settings. The pool's task timeout is the fetch timeout (per attempt,
   * from sending to the last body byte); a call's {@code GatherOptions} may still override it.
   */
  public static Fetcher create(
      ActorSystem<?> system, PoolSettings poolSettings, FetchSettings fetchSettings) {
    int perHost =
        poolSettings.maxPerKey() > 0
            ? Math.min(poolSettings.maxPerKey(), poolSettings.maxConcurrency())
            : poolSettings.maxConcurrency();
    // The pool's rates are counted again as each request leaves (see SendGate).
    FetchClient client =
        FetchClient.start(
            system,
            poolSettings.maxConcurrency(),
            perHost,
            fetchSettings,
            SendGate.create(system, poolSettings));
    JobPool<FetchRequest, FetchResponse> pool =
        JobPool.create(
            system, poolSettings.withTaskTimeout(fetchSettings.timeout()), client.handler());
    return new Fetcher(pool, fetchSettings, client);
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

  /**
   * How many connections are open now: in use, idle (kept for the next request to their host, up to
   * {@code connections.max-idle}, closed after {@code connections.idle-timeout}), or being set up.
   */
  public int openConnections() {
    return client.openConnections();
  }

  /**
   * How many hosts have a connection open.
   *
   * @deprecated a fetcher keeps connections, not one pool per host: see {@link #openConnections()}
   */
  @Deprecated
  public int openConnectionPools() {
    return client.openHosts();
  }

  /**
   * Closes the fetcher: unfinished requests are cancelled, its actors stop, then what is still in
   * flight on its connections may finish (for at most {@code connections.close-grace}) and every
   * connection it opened is closed.
   */
  @Override
  public CompletionStage<Done> closeAsync() {
    return super.closeAsync()
        .thenCompose(done -> client.close())
        .whenComplete((done, error) -> connections.close());
  }
}
