package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.internal.ExternalWork;
import io.fetchpipe.core.internal.SendGate;
import io.fetchpipe.http.FetchSettings;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.stream.Materializer;

/**
 * The HTTP side of one fetcher, without its pool: a materializer of its own, the connections and
 * circuit breakers in it, the name resolver, and the handler that fetches through them. A fetcher
 * owns one; a cluster node owns one per job it serves. {@link #close()} ends them all.
 */
@InternalApi
public final class FetchClient {
  private final ConnectionLayer connections;
  private final NameResolver names;
  private final Materializer materializer;
  private final Cancellable sweeper;
  private final HttpFetchHandler handler;
  private final HostBreakers breakers;
  private final SendGate gate;
  private final Duration closeGrace;

  private FetchClient(
      ConnectionLayer connections,
      NameResolver names,
      Materializer materializer,
      Cancellable sweeper,
      HttpFetchHandler handler,
      HostBreakers breakers,
      SendGate gate,
      Duration closeGrace) {
    this.connections = connections;
    this.names = names;
    this.materializer = materializer;
    this.sweeper = sweeper;
    this.handler = handler;
    this.breakers = breakers;
    this.gate = gate;
    this.closeGrace = closeGrace;
  }

  /** What a connection layer is built from (see {@link Layers}). */
  public record LayerSetup(
      ActorSystem<?> system,
      Materializer materializer,
      Executor executor,
      ClientConnectionSettings connectionSettings,
      Routes routes,
      int maxConnections,
      int maxPerHost,
      FetchSettings settings) {}

  /**
   * Builds a client's connection layer: the fetcher's own {@link ConnectionCache}, or another
   * design to compare.
   */
  @FunctionalInterface
  public interface Layers {
    /** The fetcher's connection cache. */
    Layers CACHE =
        setup ->
            new ConnectionCache(
                setup.system(),
                setup.materializer(),
                setup.executor(),
                setup.connectionSettings(),
                setup.routes(),
                setup.maxConnections(),
                setup.maxPerHost(),
                setup.settings().maxIdleConnections());

    /** A layer for {@code setup}. */
    ConnectionLayer create(LayerSetup setup);
  }

  /**
   * A client on {@code system} with at most {@code maxConnections} connections in use, {@code
   * maxPerHost} of them to one host: as many as may run at once, overall and at one host. Requests
   * leave through a gate with no rates of its own.
   */
  public static FetchClient start(
      ActorSystem<?> system, int maxConnections, int maxPerHost, FetchSettings settings) {
    return start(
        system, maxConnections, maxPerHost, settings, SendGate.unlimited(system), Layers.CACHE);
  }

  /**
   * {@link #start(ActorSystem, int, int, FetchSettings)} whose requests leave through {@code gate},
   * closed with the client.
   */
  public static FetchClient start(
      ActorSystem<?> system,
      int maxConnections,
      int maxPerHost,
      FetchSettings settings,
      SendGate gate) {
    return start(system, maxConnections, maxPerHost, settings, gate, Layers.CACHE);
  }

  /** A client whose connection layer {@code layers} builds (for comparing designs). */
  public static FetchClient start(
      ActorSystem<?> system,
      int maxConnections,
      int maxPerHost,
      FetchSettings settings,
      Layers layers) {
    return start(system, maxConnections, maxPerHost, settings, SendGate.unlimited(system), layers);
  }

  private static FetchClient start(
      ActorSystem<?> system,
      int maxConnections,
      int maxPerHost,
      FetchSettings settings,
      SendGate gate,
      Layers layers) {
    Materializer materializer = Materializer.createMaterializer(system);
    Executor executor = system.executionContext();
    NameResolver names =
        new NameResolver(settings.nameTtl(), settings.nameFailureTtl(), settings.lookupThreads());
    Network routes = Network.create(settings, names, materializer, system);
    ConnectionLayer connections =
        layers.create(
            new LayerSetup(
                system,
                materializer,
                executor,
                connectionSettings(system, settings),
                routes,
                maxConnections,
                Math.min(maxPerHost, maxConnections),
                settings));
    Duration tick = settings.connectionIdleTimeout().dividedBy(2);
    Cancellable sweeper =
        system
            .scheduler()
            .scheduleAtFixedRate(
                tick,
                tick,
                () -> {
                  connections.sweep();
                  names.sweep();
                },
                system.executionContext());
    HostBreakers breakers =
        new HostBreakers(
            system.classicSystem().scheduler(),
            settings.breakerMaxFailures(),
            settings.breakerResetTimeout());
    ExternalWork external = ExternalWork.of(system);
    HttpFetchHandler handler =
        new HttpFetchHandler(
            settings, connections, breakers, gate, materializer, executor, external);
    // In virtual time a grace would end only when a test moves the clock, which a test closing
    // its fetcher does not do: what is still on the wire is cut at once.
    Duration closeGrace = external == ExternalWork.NONE ? settings.closeGrace() : Duration.ZERO;
    return new FetchClient(
        connections, names, materializer, sweeper, handler, breakers, gate, closeGrace);
  }

  /**
   * Every connection's settings: connecting may take the attempt's timeout; a connection with no
   * traffic at all for the attempt timeout plus the idle timeout is cut by Pekko itself (the
   * attempt's timer and the idle sweep normally end it first); the User-Agent rides on the
   * connection. The transport comes from the {@link Routes}.
   */
  private static ClientConnectionSettings connectionSettings(
      ActorSystem<?> system, FetchSettings fetch) {
    return ClientConnectionSettings.create(system.classicSystem())
        .withIdleTimeout(fetch.timeout().plus(fetch.connectionIdleTimeout()))
        .withConnectingTimeout(fetch.timeout())
        .withUserAgentHeader(HttpFetchHandler.userAgentOfConnections(fetch));
  }

  /** The handler that fetches through this client. */
  public HttpFetchHandler handler() {
    return handler;
  }

  /** How many connections are open now (in use, idle, or being set up). */
  public int openConnections() {
    return connections.openConnections();
  }

  /** How many hosts have a connection open (or a request waiting for one). */
  public int openHosts() {
    return connections.openHosts();
  }

  /** Tells {@code listener} the host of every circuit breaker that opens. */
  public void onBreakerOpen(Consumer<String> listener) {
    breakers.onOpen(listener);
  }

  /**
   * Ends every connection (what is in flight gets the settings' close grace, then is cut), the send
   * gate, the name lookups and the materializer, and with it every stream the client ran.
   */
  public CompletionStage<Done> close() {
    sweeper.cancel();
    gate.close();
    return connections
        .shutdown(closeGrace)
        .whenComplete(
            (done, error) -> {
              names.close();
              materializer.shutdown();
            });
  }
}
