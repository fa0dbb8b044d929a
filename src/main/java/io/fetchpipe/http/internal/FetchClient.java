package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.internal.ExternalWork;
import io.fetchpipe.core.internal.SendGate;
import io.fetchpipe.http.FetchSettings;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SharedKillSwitch;

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
  private final HostBreakers breakers;
  private final SendGate gate;
  private final Duration closeGrace;
  private final SharedKillSwitch connections;

  private FetchClient(HostPools pools, Materializer materializer, HttpFetchHandler handler, HostBreakers breakers,
      SendGate gate, Duration closeGrace, SharedKillSwitch connections) {
    this.pools = pools;
    this.materializer = materializer;
    this.handler = handler;
    this.breakers = breakers;
    this.gate = gate;
    this.closeGrace = closeGrace;
    this.connections = connections;
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
    // Every connection, whichever way it reaches its host, passes this switch, so the client can
    // end them all when it closes.
    SharedKillSwitch connections = KillSwitches.shared("fetcher-connections");
    ConnectionPoolSettings connectionPool = connectionPool(system, connectionsPerHost, settings);
    HostPools pools = new HostPools(system, materializer, connectionPool,
        Network.create(settings, materializer, connections), connectionPool.getMaxOpenRequests(),
        settings.poolIdleTimeout(), settings.maxIdlePools());
    HostBreakers breakers = new HostBreakers(system.classicSystem().scheduler(),
        settings.breakerMaxFailures(), settings.breakerResetTimeout());
    ExternalWork external = ExternalWork.of(system);
    HttpFetchHandler handler = new HttpFetchHandler(settings, pools, breakers, gate, materializer,
        system.executionContext(), external);
    // In virtual time a grace would end only when a test moves the clock, which a test closing
    // its fetcher does not do: what is still on the wire is cut at once.
    Duration closeGrace = external == ExternalWork.NONE ? settings.poolCloseGrace() : Duration.ZERO;
    return new FetchClient(pools, materializer, handler, breakers, gate, closeGrace, connections);
  }

  /**
   * Pekko HTTP's per-host pool sized so it never rejects a request the router lets through: as
   * many connections as may run at once, a queue (a power of two) with room for requests whose
   * connection is still busy after a timeout, no retries of its own (retries are the router's),
   * a connection idle timeout equal to the attempt timeout, and the pool's own idle timeout that
   * of {@code connection-pools}. The transport is each host's route's ({@link Network}).
   */
  private static ConnectionPoolSettings connectionPool(ActorSystem<?> system, int perHost, FetchSettings fetch) {
    int openRequests = Integer.highestOneBit(Math.max(32, perHost * 2) - 1) << 1;
    ClientConnectionSettings connection = ClientConnectionSettings.create(system.classicSystem())
        .withIdleTimeout(fetch.timeout())
        .withConnectingTimeout(fetch.timeout())
        .withUserAgentHeader(HttpFetchHandler.userAgentOfConnections(fetch));
    return ConnectionPoolSettings.create(system.classicSystem())
        .withIdleTimeout(fetch.poolIdleTimeout())
        .withMaxConnections(perHost)
        .withMaxOpenRequests(openRequests)
        .withMaxRetries(0)
        .withConnectionSettings(connection);
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
   * Connections open now, as far as the client can tell: Pekko HTTP does not show how many
   * connections a host pool holds, so this counts the open host pools (each holds at least one
   * connection while it is open, at most the per-host limit).
   */
  public int openConnections() {
    return pools.openPools();
  }

  /** Tells {@code listener} the host of every circuit breaker that opens. */
  public void onBreakerOpen(Consumer<String> listener) {
    breakers.onOpen(listener);
  }

  /**
   * Ends every connection pool (what is in flight gets the settings' close grace, then its
   * connection is cut) and the materializer, and with it every stream the client ran.
   */
  public CompletionStage<Done> close() {
    gate.close();
    // Connections still busy after the grace (a server that never answers) are cut before their
    // pools stop: a pool stopping with a request on a connection warns that it dropped it.
    return pools.shutdown(closeGrace, () -> connections.abort(new IllegalStateException("the fetcher was closed")))
        .whenComplete((done, error) -> materializer.shutdown());
  }
}
