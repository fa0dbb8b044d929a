package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.PinnedAddress;
import io.fetchpipe.http.ProxyServer;
import io.fetchpipe.http.ProxySettings;
import io.fetchpipe.http.TlsSettings;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.ClientTransport;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.OutgoingConnection;
import org.apache.pekko.http.javadsl.model.headers.HttpCredentials;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/**
 * How one fetcher reaches hosts: for each target (scheme, host, port) the {@link NetworkRoute} its
 * connections take, direct, to an address pinned with {@code resolve}, through an HTTP proxy
 * (a {@code CONNECT} tunnel for https, absolute-form requests for http) or through a SOCKS5
 * proxy; and the one TLS context of the fetcher. The proxy is chosen per host, as the no-proxy
 * list or an application's {@link io.fetchpipe.http.ProxyChoice} decide per host.
 */
@InternalApi
public final class Network {
  private final ProxySettings proxies;
  private final Map<String, InetSocketAddress> pins;
  private final HttpsConnectionContext https; // null: Pekko's default client context
  private final Materializer materializer;
  private final SharedKillSwitch connections; // null: connections end only with their pools

  private Network(ProxySettings proxies, List<PinnedAddress> pins, HttpsConnectionContext https,
      Materializer materializer, SharedKillSwitch connections) {
    this.proxies = proxies;
    this.connections = connections;
    this.pins = new HashMap<>();
    for (PinnedAddress pin : pins) {
      this.pins.putIfAbsent(pin.host() + ":" + pin.port(), pin.socketAddress());
    }
    this.https = https;
    this.materializer = materializer;
  }

  /**
   * The network of a fetcher with {@code settings}: its TLS context is made here, once. The
   * materializer is the fetcher's, for discarding what a refusing proxy sent; every connection,
   * whichever route it takes, passes {@code connections}, so the fetcher can cut them all.
   */
  public static Network create(FetchSettings settings, Materializer materializer, SharedKillSwitch connections) {
    TlsSettings tls = settings.tls();
    HttpsConnectionContext https = tls.equals(TlsSettings.defaults()) ? null : TlsContexts.httpsContext(tls);
    return new Network(settings.proxy(), settings.resolve(), https, materializer, connections);
  }

  /** Direct connections with Pekko's defaults: no proxy, no pinned address, the JDK's trust. */
  public static Network direct(Materializer materializer) {
    return new Network(ProxySettings.none(), List.of(), null, materializer, null);
  }

  /** The way to {@code target}'s host. */
  public NetworkRoute route(TargetUrl target) {
    HttpsConnectionContext context = target.secure() ? https : null;
    ProxyServer proxy;
    try {
      proxy = proxies.proxyFor(target.url().scheme(), target.host(), target.port()).orElse(null);
    } catch (RuntimeException e) {
      // An application's choice that throws: each request to the host fails with why.
      return NetworkRoute.failing(new ProxyTransport.Failure("choosing the proxy for " + target.hostKey()
          + " failed: " + ClientErrors.message(e), e));
    }
    if (proxy == null) {
      InetSocketAddress pinned = pins.get(target.host().toLowerCase(Locale.ROOT) + ":" + target.port());
      ClientTransport direct = pinned != null ? toAddress(pinned) : connections != null ? ClientTransport.TCP() : null;
      return NetworkRoute.direct(endedBy(direct), context);
    }
    InetSocketAddress proxyAddress = address(proxy.hostName(), proxy.port());
    if (proxy.scheme().equals("socks5")) {
      return NetworkRoute.tunnel(proxy,
          endedBy(new ProxyTransport(new Socks5Transport(proxyAddress, proxy), proxy)), context);
    }
    if (target.secure()) {
      ClientTransport connect = proxy.hasCredentials()
          ? ClientTransport.httpsProxy(proxyAddress, HttpCredentials.createBasicHttpCredentials(proxy.username(),
              proxy.password()))
          : ClientTransport.httpsProxy(proxyAddress);
      return NetworkRoute.tunnel(proxy, endedBy(new ProxyTransport(connect, proxy)), context);
    }
    return NetworkRoute.absoluteForm(proxy, endedBy(new ProxyTransport(new ToProxy(proxyAddress), proxy)), target,
        materializer);
  }

  /** {@code transport} with each of its connections passing the fetcher's switch, when it has one. */
  private ClientTransport endedBy(ClientTransport transport) {
    if (transport == null || connections == null) {
      return transport;
    }
    return new ClientTransport() {
      @Override
      public Flow<ByteString, ByteString, CompletionStage<OutgoingConnection>> connectTo(String host, int port,
          ClientConnectionSettings settings, ActorSystem system) {
        return transport.connectTo(host, port, settings, system).via(connections.flow());
      }
    };
  }

  /** The proxy's address: pinned with {@code resolve}, or unresolved for Pekko to look up per connection. */
  private InetSocketAddress address(String host, int port) {
    String key = (host.indexOf(':') >= 0 ? "[" + host + "]" : host).toLowerCase(Locale.ROOT) + ":" + port;
    InetSocketAddress pinned = pins.get(key);
    return pinned != null ? pinned : InetSocketAddress.createUnresolved(host, port);
  }

  /** Pekko's TCP transport, connecting to {@code address} whatever host it is asked for. */
  private static ClientTransport toAddress(InetSocketAddress address) {
    return ClientTransport.withCustomResolver((host, port) -> CompletableFuture.completedFuture(address));
  }

  /**
   * Plain TCP to the proxy, whatever host HTTP names: like {@link #toAddress}, but without the
   * custom resolver's buffer, which asks for HTTP's bytes before the connection stands (the
   * {@link TunnelGate} reads that demand as "connected").
   */
  private static final class ToProxy extends ClientTransport {
    private final InetSocketAddress proxy;

    ToProxy(InetSocketAddress proxy) {
      this.proxy = proxy;
    }

    @Override
    public Flow<ByteString, ByteString, CompletionStage<OutgoingConnection>> connectTo(String host, int port,
        ClientConnectionSettings settings, ActorSystem system) {
      return ClientTransport.TCP().connectTo(proxy.getHostString(), proxy.getPort(), settings, system);
    }
  }
}
