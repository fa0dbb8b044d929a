package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.internal.SendGate;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.PinnedAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ClientTransport;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.stream.Materializer;

/**
 * The HTTP side of one fetcher, without its pool: a materializer of its own, the per-host
 * connection pools and circuit breakers in it, and the handler that fetches through them. A
 * fetcher owns one; a cluster node owns one per job it serves. {@link #close()} ends them all.
 */
@InternalApi
public final class FetchClient {
  private final HostPools pools;
  private final Materializer materializer;
  private final HttpFetchHandler handler;
  private final FetchSettings settings;
  private final SendGate gate;

  private FetchClient(HostPools pools, Materializer materializer, HttpFetchHandler handler, FetchSettings settings,
      SendGate gate) {
    this.pools = pools;
    this.materializer = materializer;
    this.handler = handler;
    this.settings = settings;
    this.gate = gate;
  }

  /**
   * A client on {@code system} whose pools open at most {@code connectionsPerHost} connections
   * to a host: as many as may run at once there; requests leave through a gate with no rates of
   * its own.
   */
  public static FetchClient start(ActorSystem<?> system, int connectionsPerHost, FetchSettings settings) {
    return start(system, connectionsPerHost, settings, SendGate.unlimited(system));
  }

  /** {@link #start(ActorSystem, int, FetchSettings)} whose requests leave through {@code gate}, closed with the client. */
  public static FetchClient start(ActorSystem<?> system, int connectionsPerHost, FetchSettings settings,
      SendGate gate) {
    Materializer materializer = Materializer.createMaterializer(system);
    ConnectionPoolSettings connectionPool = connectionPool(system, connectionsPerHost, settings);
    HostPools pools = new HostPools(system, materializer, connectionPool, connectionPool.getMaxOpenRequests(),
        settings.poolIdleTimeout(), settings.maxIdlePools());
    HostBreakers breakers = new HostBreakers(system.classicSystem().scheduler(),
        settings.breakerMaxFailures(), settings.breakerResetTimeout());
    HttpFetchHandler handler =
        new HttpFetchHandler(settings, pools, breakers, gate, materializer, system.executionContext());
    return new FetchClient(pools, materializer, handler, settings, gate);
  }

  /**
   * Pekko HTTP's per-host pool sized so it never rejects a request the router lets through: as
   * many connections as may run at once, a queue (a power of two) with room for requests whose
   * connection is still busy after a timeout, no retries of its own (retries are the router's),
   * a connection idle timeout equal to the attempt timeout, and the pool's own idle timeout that
   * of {@code connection-pools}.
   */
  private static ConnectionPoolSettings connectionPool(ActorSystem<?> system, int perHost, FetchSettings fetch) {
    int openRequests = Integer.highestOneBit(Math.max(32, perHost * 2) - 1) << 1;
    ClientConnectionSettings connection = ClientConnectionSettings.create(system.classicSystem())
        .withIdleTimeout(fetch.timeout())
        .withConnectingTimeout(fetch.timeout())
        .withUserAgentHeader(HttpFetchHandler.userAgentOfConnections(fetch));
    if (!fetch.resolve().isEmpty()) {
      connection = connection.withTransport(pinnedTransport(fetch.resolve()));
    }
    return ConnectionPoolSettings.create(system.classicSystem())
        .withIdleTimeout(fetch.poolIdleTimeout())
        .withMaxConnections(perHost)
        .withMaxOpenRequests(openRequests)
        .withMaxRetries(0)
        .withConnectionSettings(connection);
  }

  /**
   * Pekko HTTP's TCP transport with pinned hosts connecting to their addresses; any other host
   * is left unresolved, as the default transport does, for Pekko's own asynchronous lookup.
   */
  private static ClientTransport pinnedTransport(List<PinnedAddress> pins) {
    Map<String, InetSocketAddress> byHostAndPort = new HashMap<>();
    for (PinnedAddress pin : pins) {
      byHostAndPort.putIfAbsent(pin.host() + ":" + pin.port(), pin.socketAddress());
    }
    return ClientTransport.withCustomResolver((host, port) -> {
      InetSocketAddress pinned = byHostAndPort.get(host.toLowerCase(Locale.ROOT) + ":" + port);
      return CompletableFuture.completedFuture(
          pinned != null ? pinned : InetSocketAddress.createUnresolved(host, (Integer) port));
    });
  }

  /** The handler that fetches through this client. */
  public HttpFetchHandler handler() {
    return handler;
  }

  /** How many host pools are open now. */
  public int openPools() {
    return pools.openPools();
  }

  /**
   * Ends every connection pool (what is in flight gets the settings' close grace) and the
   * materializer, and with it every stream the client ran.
   */
  public CompletionStage<Done> close() {
    gate.close();
    return pools.shutdown(settings.poolCloseGrace()).whenComplete((done, error) -> materializer.shutdown());
  }
}
