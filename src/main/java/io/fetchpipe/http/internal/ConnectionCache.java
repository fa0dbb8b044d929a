package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.OutgoingConnection;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.TLSProtocol;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.TLSPlacebo;
import org.apache.pekko.util.ByteString;

/**
 * A fetcher's connections, kept alive across its hosts the way aiohttp's TCPConnector keeps them:
 * at most {@code maxConnections} in use at once, at most {@code maxPerHost} of them to one host
 * (scheme, host, port); a connection whose exchange is over waits idle for the next request to its
 * host, the most recently used first; past the idle cap the longest idle one closes, and one idle
 * for two {@link #sweep() sweeps} closes too. A request that finds the limits reached waits, first
 * come first served, for a connection to be given back.
 *
 * <p>The idle cap adapts to the work, between {@link #IDLE_FLOOR} and {@code maxIdle}: it grows
 * when a host comes back whose connection the cap had closed, and shrinks when the hosts of closed
 * connections do not come back (see {@link #rememberEvicted}). Connections that would never be
 * reused are not kept: a crawl of ever new hosts would otherwise hold {@code maxIdle} of them in
 * memory, each for a short while, which costs the collector dearly.
 *
 * <p>Each connection is one materialized stream of Pekko HTTP's client connection (its
 * connection-level API), with no pool around it: opening one costs a stream, a kept one about 20 KB
 * of heap (13-25 KB measured), and a host with nothing open costs nothing. Plain HTTP connections
 * share one client layer blueprint built here (each request carries its own {@code Host} header);
 * https ones are built per connection by Pekko. How a connection reaches its server (address,
 * proxy, TLS context) is the {@link Routes}' decision.
 *
 * <p>The books (hosts, idle connections in order, waiting requests) are kept under one lock, in
 * constant time per acquisition and release whatever the number of hosts; streams are started,
 * closed and completed outside it.
 */
@InternalApi
public final class ConnectionCache implements ConnectionLayer {
  /** Idle connections kept whatever the reuse (unless max-idle is smaller). */
  static final int IDLE_FLOOR = 32;

  private final ActorSystem<?> system;
  private final Materializer materializer;
  private final Executor executor;
  private final Routes routes;
  private final Http http;
  private final ClientConnectionSettings settings;
  private final LoggingAdapter log;
  private final BidiFlow<HttpRequest, ByteString, ByteString, HttpResponse, NotUsed> plainLayer;
  private final int maxConnections;
  private final int maxPerHost;
  private final int maxIdle;
  private final int idleFloor;

  private final Object lock = new Object();
  // Everything below is guarded by the lock.
  private final Map<String, Host> hosts = new HashMap<>();
  private final Set<CachedConnection> live = new HashSet<>();
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

  /** Hosts whose idle connection the cap closed lately, oldest first (at most maxIdle of them). */
  private final LinkedHashMap<String, Boolean> evictedHosts = new LinkedHashMap<>();

  /** How many idle connections are kept now: between idleFloor and maxIdle, as reuse shows. */
  private int idleCap;

  private CachedConnection oldestIdle;
  private CachedConnection newestIdle;
  private int idle;
  private int inUse;
  private int opening;
  private long sweeps;
  private long opened;
  private boolean closed;

  /** One host's share: its connections in use and its idle ones, the newest last. */
  static final class Host {
    final String key;
    final ArrayDeque<CachedConnection> idle = new ArrayDeque<>(2);
    int inUse;

    Host(String key) {
      this.key = key;
    }
  }

  /** A request waiting for a connection. */
  private record Waiter(TargetUrl target, boolean fresh, CompletableFuture<Connection> acquired) {}

  /**
   * A cache whose connections run on {@code materializer}, with {@code settings} (timeouts,
   * User-Agent, parser settings; the transport comes from {@code routes}), completing acquisitions
   * on {@code executor}.
   */
  public ConnectionCache(
      ActorSystem<?> system,
      Materializer materializer,
      Executor executor,
      ClientConnectionSettings settings,
      Routes routes,
      int maxConnections,
      int maxPerHost,
      int maxIdle) {
    if (maxConnections < 1 || maxPerHost < 1 || maxIdle < 0) {
      throw new IllegalArgumentException(
          "connection limits: "
              + maxConnections
              + " in use, "
              + maxPerHost
              + " per host, "
              + maxIdle
              + " idle");
    }
    this.system = system;
    this.materializer = materializer;
    this.executor = executor;
    this.routes = routes;
    this.http = Http.get(system);
    this.settings = settings;
    // The connections' own warnings about exchanges cut at close are the fetcher's close's doing:
    // those requests' outcomes are out already.
    this.log = QuietLog.whileClosing(system.classicSystem().log(), this::isClosed);
    this.maxConnections = maxConnections;
    this.maxPerHost = maxPerHost;
    this.maxIdle = maxIdle;
    this.idleFloor = Math.min(maxIdle, IDLE_FLOOR);
    this.idleCap = idleFloor;
    this.plainLayer = plainLayer();
  }

  /**
   * Pekko HTTP's client layer over no TLS, built once: building it per connection cost about as
   * much as starting the connection's stream. Its own Host header is never sent (see {@link
   * CachedConnection#send}).
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private BidiFlow<HttpRequest, ByteString, ByteString, HttpResponse, NotUsed> plainLayer() {
    BidiFlow<TLSProtocol.SslTlsOutbound, ByteString, ByteString, TLSProtocol.SslTlsInbound, NotUsed>
        noTls =
            (BidiFlow)
                TLSPlacebo
                    .getInstance(); // SessionBytes are SslTlsInbound: Java's generics cannot say so
    return http.clientLayer(
            org.apache.pekko.http.javadsl.model.headers.Host.create("fetchpipe.invalid"),
            settings,
            log)
        .atop(noTls);
  }

  @Override
  public CompletionStage<Connection> acquire(TargetUrl target, boolean fresh) {
    CachedConnection reused;
    CompletableFuture<Connection> acquired = null;
    Host host;
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.failedFuture(closedError());
      }
      host = hosts.computeIfAbsent(target.hostKey(), Host::new);
      if (!reserve(host)) {
        acquired = new CompletableFuture<>();
        waiters.add(new Waiter(target, fresh, acquired));
        return acquired;
      }
      reused = fresh ? null : takeIdle(host);
      if (reused == null) {
        opening++;
        acquired = new CompletableFuture<>();
        missedReuse(host);
      }
    }
    if (reused != null) {
      return CompletableFuture.completedFuture(reused);
    }
    open(host, target, acquired);
    return acquired;
  }

  /** Counts one more connection in use to the host, if the limits allow it. Under the lock. */
  private boolean reserve(Host host) {
    if (host.inUse >= maxPerHost || inUse >= maxConnections) {
      return false;
    }
    host.inUse++;
    inUse++;
    return true;
  }

  /**
   * Takes the host's most recently used idle connection (its slot already reserved), or null. Under
   * the lock.
   */
  private CachedConnection takeIdle(Host host) {
    CachedConnection connection = host.idle.pollLast();
    if (connection != null) {
      unlinkIdle(connection);
      connection.state = CachedConnection.State.BUSY;
    }
    return connection;
  }

  /**
   * Finds the route, then starts the connection's stream; {@code acquired} completes once it is
   * connected.
   */
  private void open(Host host, TargetUrl target, CompletableFuture<Connection> acquired) {
    CompletionStage<NetworkRoute> route;
    try {
      route = routes.route(target);
    } catch (RuntimeException e) {
      route = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<NetworkRoute> found = route.toCompletableFuture();
    if (found.isDone()) { // the usual case: an address literal, a pinned or a cached name
      Throwable noRoute = failure(found); // getNow would throw it
      start(host, target, acquired, noRoute == null ? found.getNow(null) : null, noRoute);
    } else {
      found.whenCompleteAsync((way, error) -> start(host, target, acquired, way, error), executor);
    }
  }

  private static Throwable failure(CompletableFuture<?> done) {
    return done.isCompletedExceptionally() ? done.handle((value, error) -> error).join() : null;
  }

  private void start(
      Host host,
      TargetUrl target,
      CompletableFuture<Connection> acquired,
      NetworkRoute route,
      Throwable noRoute) {
    CachedConnection connection =
        new CachedConnection(this, host, target, route, materializer, acquired);
    Pair<
            Pair<
                Pair<BoundedSourceQueue<HttpRequest>, UniqueKillSwitch>,
                CompletionStage<OutgoingConnection>>,
            CompletionStage<Done>>
        running;
    Throwable failed = noRoute;
    running = null;
    if (failed == null) {
      try {
        running =
            Source.<HttpRequest>queue(1)
                .viaMat(KillSwitches.single(), Keep.both())
                .viaMat(connectionFlow(target, route), Keep.both())
                .toMat(Sink.foreach(connection::onResponse), Keep.both())
                .run(materializer);
      } catch (RuntimeException e) { // the materializer is shut down
        failed = e;
      }
    }
    if (failed != null) {
      synchronized (lock) {
        opening--;
        free(host);
      }
      acquired.completeExceptionally(failed);
      serveWaiters();
      return;
    }
    connection.started(running.first().first().first(), running.first().first().second());
    boolean closedMeanwhile;
    synchronized (lock) {
      opening--;
      opened++;
      live.add(connection);
      closedMeanwhile = closed;
    }
    if (closedMeanwhile) {
      connection.abort("the fetcher was closed");
    }
    running.second().whenComplete((done, error) -> connection.onTerminated(error));
    running
        .first()
        .second()
        .whenCompleteAsync((connected, error) -> connected(connection, error), executor);
  }

  private Flow<HttpRequest, HttpResponse, CompletionStage<OutgoingConnection>> connectionFlow(
      TargetUrl target, NetworkRoute route) {
    if (target.secure()) {
      return http.connectionTo(target.host())
          .toPort(target.port())
          .withCustomHttpsConnectionContext(route.https())
          .withClientConnectionSettings(settings.withTransport(route.transport()))
          .logTo(log)
          .https();
    }
    return plainLayer.join(
        route.transport().connectTo(target.host(), target.port(), settings, system.classicSystem()),
        Keep.right());
  }

  /** The connection is up (or failed to come up): hand it to the request that asked for it. */
  private void connected(CachedConnection connection, Throwable error) {
    CompletableFuture<Connection> acquired;
    boolean handOut;
    synchronized (lock) {
      if (connection.state != CachedConnection.State.OPENING) {
        return; // its stream ended first: terminated() has failed the acquisition
      }
      acquired = connection.opening;
      connection.opening = null;
      handOut = error == null && !closed;
      if (handOut) {
        connection.state = CachedConnection.State.BUSY;
      } else {
        connection.state = CachedConnection.State.CLOSED;
        free(connection.host);
      }
    }
    if (handOut) {
      acquired.complete(connection);
      return;
    }
    acquired.completeExceptionally(error != null ? error : closedError());
    connection.abort("not used");
    serveWaiters();
  }

  /** A connection's stream has ended, for whatever reason. */
  void terminated(CachedConnection connection, Throwable error) {
    CompletableFuture<Connection> acquired = null;
    synchronized (lock) {
      live.remove(connection);
      switch (connection.state) {
        case OPENING -> {
          acquired = connection.opening;
          connection.opening = null;
          connection.state = CachedConnection.State.CLOSED;
          free(connection.host);
        }
        case IDLE -> {
          connection.host.idle.remove(connection);
          unlinkIdle(connection);
          connection.state = CachedConnection.State.CLOSED;
          forgetIfUnused(connection.host);
        }
        case BUSY -> connection.dead = true;
        case CLOSED -> {}
      }
    }
    if (acquired != null) {
      acquired.completeExceptionally(
          error != null
              ? error
              : new IllegalStateException("the server closed the connection before the request"));
      serveWaiters();
    }
  }

  /** The holder is done with the connection. */
  void release(CachedConnection connection, boolean reusable) {
    List<CachedConnection> toClose = new ArrayList<>(1);
    boolean abort;
    synchronized (lock) {
      if (connection.state != CachedConnection.State.BUSY) {
        return; // released already
      }
      abort = !reusable;
      if (reusable && !connection.dead && !closed && maxIdle > 0) {
        connection.host.inUse--;
        inUse--;
        connection.state = CachedConnection.State.IDLE;
        connection.host.idle.addLast(connection);
        linkIdle(connection);
        while (idle > idleCap) {
          CachedConnection evicted = evictOldestIdle();
          rememberEvicted(evicted.host.key);
          toClose.add(evicted);
        }
      } else {
        connection.state = CachedConnection.State.CLOSED;
        free(connection.host);
        toClose.add(connection);
      }
    }
    for (CachedConnection evicted : toClose) {
      if (evicted == connection && abort) {
        evicted.abort("the exchange was abandoned");
      } else {
        evicted.close();
      }
    }
    serveWaiters();
  }

  /** Gives a slot back. Under the lock. */
  private void free(Host host) {
    host.inUse--;
    inUse--;
    forgetIfUnused(host);
  }

  private void forgetIfUnused(Host host) {
    if (host.inUse == 0 && host.idle.isEmpty()) {
      hosts.remove(host.key, host);
    }
  }

  /** Serves waiting requests, first come first, while an idle connection or the limits allow. */
  private void serveWaiters() {
    List<Pair<CompletableFuture<Connection>, CachedConnection>> handed = null;
    List<Pair<Waiter, Host>> toOpen = null;
    synchronized (lock) {
      if (waiters.isEmpty() || closed) {
        return;
      }
      for (Iterator<Waiter> it = waiters.iterator(); it.hasNext() && inUse < maxConnections; ) {
        Waiter waiter = it.next();
        Host host = hosts.computeIfAbsent(waiter.target().hostKey(), Host::new);
        if (!reserve(host)) {
          continue; // its host is at its limit; a request to another host may go first
        }
        it.remove();
        CachedConnection reused = waiter.fresh() ? null : takeIdle(host);
        if (reused != null) {
          handed = handed == null ? new ArrayList<>() : handed;
          handed.add(Pair.create(waiter.acquired(), reused));
        } else {
          opening++;
          missedReuse(host);
          toOpen = toOpen == null ? new ArrayList<>() : toOpen;
          toOpen.add(Pair.create(waiter, host));
        }
      }
    }
    if (handed != null) {
      handed.forEach(pair -> pair.first().complete(pair.second()));
    }
    if (toOpen != null) {
      toOpen.forEach(pair -> open(pair.second(), pair.first().target(), pair.first().acquired()));
    }
  }

  private void linkIdle(CachedConnection connection) {
    connection.idleSince = sweeps;
    connection.older = newestIdle;
    connection.newer = null;
    if (newestIdle != null) {
      newestIdle.newer = connection;
    } else {
      oldestIdle = connection;
    }
    newestIdle = connection;
    idle++;
  }

  private void unlinkIdle(CachedConnection connection) {
    if (connection.older != null) {
      connection.older.newer = connection.newer;
    } else {
      oldestIdle = connection.newer;
    }
    if (connection.newer != null) {
      connection.newer.older = connection.older;
    } else {
      newestIdle = connection.older;
    }
    connection.older = null;
    connection.newer = null;
    idle--;
  }

  /**
   * A new connection is opened to a host whose idle connection the cap closed lately: a larger cap
   * would have kept it, so the cap grows by one. Under the lock.
   */
  private void missedReuse(Host host) {
    if (evictedHosts.remove(host.key) != null && idleCap < maxIdle) {
      idleCap++;
    }
  }

  /**
   * Notes a host whose idle connection the cap closed. A host whose note is pushed out by {@code
   * maxIdle} later ones did not come back meanwhile: even the largest cap would not have kept its
   * connection for reuse, so the cap shrinks by one. So a crawl that returns to its hosts keeps up
   * to {@code maxIdle} connections for them, and one that never returns (every host new) keeps few,
   * whose memory and whose closing it would otherwise pay for. Under the lock.
   */
  private void rememberEvicted(String key) {
    evictedHosts.remove(key);
    evictedHosts.put(key, Boolean.TRUE);
    if (evictedHosts.size() > maxIdle) {
      Iterator<String> oldest = evictedHosts.keySet().iterator();
      oldest.next();
      oldest.remove();
      if (idleCap > idleFloor) {
        idleCap--;
      }
    }
  }

  /** Takes the longest idle connection out of the books; the caller closes it. Under the lock. */
  private CachedConnection evictOldestIdle() {
    CachedConnection oldest = oldestIdle;
    unlinkIdle(oldest);
    // A host's idle connections are in the order of the global list: its oldest is first.
    oldest.host.idle.pollFirst();
    oldest.state = CachedConnection.State.CLOSED;
    forgetIfUnused(oldest.host);
    return oldest;
  }

  /**
   * One tick of the idle timeout: closes the connections that have been idle since before the
   * previous sweep, so a connection closes after between one and two sweep intervals idle.
   */
  @Override
  public void sweep() {
    List<CachedConnection> expired = new ArrayList<>();
    synchronized (lock) {
      sweeps++;
      while (oldestIdle != null && oldestIdle.idleSince < sweeps - 1) {
        expired.add(evictOldestIdle());
      }
    }
    expired.forEach(CachedConnection::close);
  }

  @Override
  public int openConnections() {
    synchronized (lock) {
      return live.size() + opening;
    }
  }

  @Override
  public int openHosts() {
    synchronized (lock) {
      return hosts.size();
    }
  }

  /** How many idle connections are kept at most now (it adapts to reuse, up to max-idle). */
  public int idleCap() {
    synchronized (lock) {
      return idleCap;
    }
  }

  /** How many connections are idle now. */
  public int idleConnections() {
    synchronized (lock) {
      return idle;
    }
  }

  /** How many connections have been opened so far, closed ones included. */
  public long connectionsOpened() {
    synchronized (lock) {
      return opened;
    }
  }

  @Override
  public CompletionStage<Done> shutdown(Duration grace) {
    List<CachedConnection> idleOnes = new ArrayList<>();
    List<CachedConnection> all;
    List<Waiter> waiting;
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.completedFuture(Done.getInstance());
      }
      closed = true;
      while (oldestIdle != null) {
        idleOnes.add(evictOldestIdle());
      }
      all = new ArrayList<>(live);
      waiting = new ArrayList<>(waiters);
      waiters.clear();
    }
    waiting.forEach(waiter -> waiter.acquired().completeExceptionally(closedError()));
    idleOnes.forEach(CachedConnection::close);
    CompletableFuture<?>[] ends =
        all.stream()
            .map(connection -> connection.terminated().toCompletableFuture())
            .toArray(CompletableFuture[]::new);
    // The grace runs on the actor system's scheduler: a JDK delayed executor would leave a thread
    // of its own running for the rest of the JVM's life, and virtual time would not drive it.
    CompletableFuture<Object> graceOver = new CompletableFuture<>();
    Cancellable cutOff =
        grace.isZero()
            ? null
            : system
                .classicSystem()
                .scheduler()
                .scheduleOnce(
                    grace, () -> graceOver.complete(Done.getInstance()), system.executionContext());
    if (cutOff == null) {
      graceOver.complete(Done.getInstance());
    }
    CompletableFuture.allOf(ends)
        .whenComplete((done, error) -> graceOver.complete(Done.getInstance()));
    return graceOver.thenCompose(
        over -> {
          if (cutOff != null) {
            cutOff.cancel();
          }
          all.forEach(connection -> connection.abort("the fetcher was closed"));
          return CompletableFuture.allOf(ends).handle((done, error) -> Done.getInstance());
        });
  }

  private boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  private static IllegalStateException closedError() {
    return new IllegalStateException("the fetcher's connections are closed");
  }
}
