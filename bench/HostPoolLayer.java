import io.fetchpipe.http.internal.ConnectionLayer;
import io.fetchpipe.http.internal.FetchClient;
import io.fetchpipe.http.internal.TargetUrl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.javadsl.ConnectHttp;
import org.apache.pekko.http.javadsl.HostConnectionPool;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import scala.Tuple2;
import scala.util.Try;

/**
 * Candidate (a) of bench/layers.sh: fetchpipe's connection layer as it was before the connection
 * cache, one Pekko HTTP host-level pool per host (scheme, host, port), each fronted by a queue
 * stream of its own, materialized in the fetcher's materializer. A request holds a {@link Lease} on
 * its host's pool from sending until its body is read; a pool no request has leased for a while is
 * shut down (idle-timeout), and past {@code max-idle} idle pools the longest idle close at once.
 * Kept here, behind the {@link ConnectionLayer} interface, so the designs can be measured side by
 * side in one JVM (names resolve through Pekko's own DNS, as they did).
 */
public final class HostPoolLayer implements ConnectionLayer {
  private final Http http;
  private final org.apache.pekko.http.scaladsl.HttpExt scalaHttp;
  private final Materializer materializer;
  private final ConnectionPoolSettings settings;
  private final LoggingAdapter log;
  private final int queueSize;
  private final int maxIdle;
  private final Object lock = new Object();

  /** Every open pool by host key. Guarded by {@link #lock}. */
  private final Map<String, HostPool> pools = new HashMap<>();

  /** The open pools without leases, the longest idle first. Guarded by {@link #lock}. */
  private final LinkedHashMap<String, HostPool> idle = new LinkedHashMap<>();

  private long opened; // guarded by lock
  private boolean closed; // guarded by lock

  /**
   * The pools of one fetcher.
   *
   * @param materializer the fetcher's own, shut down with it
   * @param settings each host pool's settings
   * @param queueSize requests that may wait to enter one host's pool
   * @param idleTimeout how long a pool without leases stays open (between half of it and all of it)
   * @param maxIdle most pools without leases kept open
   */
  HostPoolLayer(
      ActorSystem<?> system,
      Materializer materializer,
      ConnectionPoolSettings settings,
      int queueSize,
      Duration idleTimeout,
      int maxIdle) {
    this.http = Http.get(system);
    this.scalaHttp = org.apache.pekko.http.scaladsl.Http.apply(system.classicSystem());
    this.materializer = materializer;
    this.settings = settings;
    this.log = system.classicSystem().log();
    this.queueSize = queueSize;
    this.maxIdle = maxIdle;
  }

  /**
   * A lease on {@code target}'s pool, opening the pool if needed; release it when the exchange is
   * over. After {@link #shutdown} the lease's request fails at once and nothing opens.
   */
  public Lease lease(TargetUrl target) {
    synchronized (lock) {
      if (closed) {
        return new Lease(this, null);
      }
      String key = target.hostKey();
      HostPool pool = pools.get(key);
      if (pool == null) {
        pool = open(key, target);
        pools.put(key, pool);
        opened++;
      } else if (pool.leases == 0) {
        idle.remove(key);
      }
      pool.leases++;
      pool.used = true;
      return new Lease(this, pool);
    }
  }

  private void release(HostPool pool) {
    synchronized (lock) {
      pool.leases--;
      if (pool.leases == 0 && pools.get(pool.key) == pool) {
        idle.put(pool.key, pool);
        for (Iterator<HostPool> longest = idle.values().iterator(); idle.size() > maxIdle; ) {
          HostPool evicted = longest.next();
          longest.remove();
          pools.remove(evicted.key);
          evicted.close(); // it has nothing in flight: its connections close at once
        }
      }
    }
  }

  private HostPool open(String key, TargetUrl target) {
    Pair<
            Pair<
                BoundedSourceQueue<Pair<HttpRequest, CompletableFuture<HttpResponse>>>,
                UniqueKillSwitch>,
            HostConnectionPool>
        running =
            Source.<Pair<HttpRequest, CompletableFuture<HttpResponse>>>queue(queueSize)
                .viaMat(KillSwitches.single(), Keep.both())
                .viaMat(pool(target), Keep.both())
                .to(Sink.foreach(HostPoolLayer::deliver))
                .run(materializer);
    return new HostPool(key, running.first().first(), running.first().second(), running.second());
  }

  /**
   * A new host-level pool for the target. Plain HTTP goes through the Scala API: the Java API's
   * variant that takes pool settings always speaks TLS, whatever the target.
   */
  private Flow<
          Pair<HttpRequest, CompletableFuture<HttpResponse>>,
          Pair<Try<HttpResponse>, CompletableFuture<HttpResponse>>,
          HostConnectionPool>
      pool(TargetUrl target) {
    if (target.secure()) {
      return http.newHostConnectionPool(
          ConnectHttp.toHostHttps(target.host(), target.port()), settings, log, materializer);
    }
    org.apache.pekko.stream.scaladsl.Flow<
            Tuple2<
                org.apache.pekko.http.scaladsl.model.HttpRequest, CompletableFuture<HttpResponse>>,
            Tuple2<
                Try<org.apache.pekko.http.scaladsl.model.HttpResponse>,
                CompletableFuture<HttpResponse>>,
            org.apache.pekko.http.scaladsl.Http.HostConnectionPool>
        plain =
            scalaHttp.newHostConnectionPool(
                target.host(),
                target.port(),
                (org.apache.pekko.http.scaladsl.settings.ConnectionPoolSettings) settings,
                log,
                materializer);
    return Flow.<Pair<HttpRequest, CompletableFuture<HttpResponse>>>create()
        .map(
            request ->
                Tuple2.apply(
                    (org.apache.pekko.http.scaladsl.model.HttpRequest) request.first(),
                    request.second()))
        .viaMat(
            plain.mapMaterializedValue(
                org.apache.pekko.http.scaladsl.Http.HostConnectionPool::toJava),
            Keep.right())
        .map(answered -> Pair.create(javaResponse(answered._1()), answered._2()));
  }

  @SuppressWarnings("unchecked")
  private static Try<HttpResponse> javaResponse(Try<? extends HttpResponse> response) {
    return (Try<HttpResponse>)
        response; // a Scala response is a Java one; Try is covariant in Scala
  }

  private static void deliver(Pair<Try<HttpResponse>, CompletableFuture<HttpResponse>> answered) {
    Try<HttpResponse> response = answered.first();
    if (response.isSuccess()) {
      answered.second().complete(response.get());
    } else {
      answered.second().completeExceptionally(response.failed().get());
    }
  }

  /**
   * Shuts idle pools down that no request has leased since the previous sweep (the client calls it
   * every half idle timeout).
   */
  @Override
  public void sweep() {
    synchronized (lock) {
      for (Iterator<HostPool> it = idle.values().iterator(); it.hasNext(); ) {
        HostPool pool = it.next();
        if (pool.used) {
          pool.used = false;
        } else {
          it.remove();
          pools.remove(pool.key);
          pool.close();
        }
      }
    }
  }

  /** How many host pools are open. */
  public int openPools() {
    synchronized (lock) {
      return pools.size();
    }
  }

  /** How many host pools have been opened so far, closed ones included. */
  long poolsOpened() {
    synchronized (lock) {
      return opened;
    }
  }

  /**
   * Ends every pool: each is asked to shut down (it finishes what is in flight), and whatever is
   * still running after {@code grace} (a request that timed out but that a server never ends) is
   * cut off, so the stage completes within the grace whatever the servers do.
   */
  @Override
  public CompletionStage<Done> shutdown(Duration grace) {
    List<HostPool> open;
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.completedFuture(Done.getInstance());
      }
      closed = true;
      open = new ArrayList<>(pools.values());
      pools.clear();
      idle.clear();
    }
    CompletableFuture<?>[] closing =
        open.stream()
            .map(pool -> pool.close().toCompletableFuture())
            .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(closing)
        .completeOnTimeout(null, grace.toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (done, error) -> {
              open.forEach(
                  pool ->
                      pool.killSwitch.abort(new IllegalStateException("the fetcher was closed")));
              return Done.getInstance();
            });
  }

  /** The layer for a client's setup, with the pool settings fetchpipe gave its host pools. */
  static HostPoolLayer create(FetchClient.LayerSetup setup) {
    int perHost = setup.maxPerHost();
    int openRequests = Integer.highestOneBit(Math.max(32, perHost * 2) - 1) << 1;
    ClientConnectionSettings connection =
        setup.connectionSettings().withIdleTimeout(setup.settings().timeout());
    ConnectionPoolSettings pool =
        ConnectionPoolSettings.create(setup.system().classicSystem())
            .withIdleTimeout(setup.settings().connectionIdleTimeout())
            .withMaxConnections(perHost)
            .withMaxOpenRequests(openRequests)
            .withMaxRetries(0)
            .withConnectionSettings(connection);
    return new HostPoolLayer(
        setup.system(),
        setup.materializer(),
        pool,
        openRequests,
        setup.settings().connectionIdleTimeout(),
        setup.settings().maxIdleConnections());
  }

  @Override
  public CompletionStage<Connection> acquire(TargetUrl target, boolean fresh) {
    Lease lease = lease(target);
    return CompletableFuture.completedFuture(
        new Connection() {
          @Override
          public CompletionStage<HttpResponse> send(HttpRequest request) {
            return lease.send(request);
          }

          @Override
          public boolean reused() {
            return false; // the pool looks after its connections
          }

          @Override
          public void release(boolean reusable) {
            lease.release();
          }
        });
  }

  @Override
  public int openConnections() {
    return openPools();
  }

  @Override
  public int openHosts() {
    return openPools();
  }

  /**
   * One host's pool: its input queue, its kill switch, Pekko's handle on it and how many requests
   * hold it (the last two guarded by the lock of the pools).
   */
  private static final class HostPool {
    final String key;
    final BoundedSourceQueue<Pair<HttpRequest, CompletableFuture<HttpResponse>>> queue;
    final UniqueKillSwitch killSwitch;
    final HostConnectionPool handle;
    int leases;
    boolean used;

    HostPool(
        String key,
        BoundedSourceQueue<Pair<HttpRequest, CompletableFuture<HttpResponse>>> queue,
        UniqueKillSwitch killSwitch,
        HostConnectionPool handle) {
      this.key = key;
      this.queue = queue;
      this.killSwitch = killSwitch;
      this.handle = handle;
    }

    /**
     * Takes no more requests and asks Pekko to shut the pool down once what is in flight is done.
     */
    CompletionStage<Done> close() {
      queue.complete();
      return handle.shutdown();
    }
  }

  /** One exchange's hold on a host's pool. */
  public static final class Lease {
    private final HostPoolLayer pools;
    private final HostPool pool; // null: the pools were shut down
    private boolean released;

    private Lease(HostPoolLayer pools, HostPool pool) {
      this.pools = pools;
      this.pool = pool;
    }

    /**
     * Sends {@code request} (its URI relative to the host) through the pool; fails at once when the
     * host's queue is full or the pool has been shut down.
     */
    public CompletionStage<HttpResponse> send(HttpRequest request) {
      CompletableFuture<HttpResponse> response = new CompletableFuture<>();
      if (pool == null) {
        response.completeExceptionally(new IllegalStateException("connection pool closed"));
        return response;
      }
      QueueOfferResult offered = pool.queue.offer(Pair.create(request, response));
      if (offered != QueueOfferResult.enqueued()) {
        response.completeExceptionally(
            new IllegalStateException(
                offered == QueueOfferResult.dropped()
                    ? "too many requests queued for one host"
                    : "connection pool closed"));
      }
      return response;
    }

    /** The exchange is over (body read or discarded, or failed); idempotent. */
    public synchronized void release() {
      if (!released && pool != null) {
        pools.release(pool);
      }
      released = true;
    }
  }
}
