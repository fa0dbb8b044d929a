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
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ClientTransport;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.OutgoingConnection;
import org.apache.pekko.http.javadsl.model.headers.HttpCredentials;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/**
 * How one fetcher reaches hosts, the {@link Routes} of its connections: for each target (scheme,
 * host, port) the {@link NetworkRoute} a new connection takes, direct (to the address the name
 * resolves to, looked up by the fetcher's {@link NameResolver}, or to an address pinned with {@code
 * resolve}), through an HTTP proxy (a {@code CONNECT} tunnel for https, absolute-form requests for
 * http) or through a SOCKS5 proxy; and the one TLS context of the fetcher. The proxy is chosen per
 * host, as the no-proxy list or an application's {@link io.fetchpipe.http.ProxyChoice} decide per
 * host.
 */
@InternalApi
public final class Network implements Routes {
  private final ProxySettings proxies;
  private final Map<String, InetSocketAddress> pins;
  private final HttpsConnectionContext https;
  private final NameResolver names;
  private final Materializer materializer;

  private Network(
      ProxySettings proxies,
      List<PinnedAddress> pins,
      HttpsConnectionContext https,
      NameResolver names,
      Materializer materializer) {
    this.proxies = proxies;
    this.pins = new HashMap<>();
    for (PinnedAddress pin : pins) {
      this.pins.putIfAbsent(pin.host() + ":" + pin.port(), pin.socketAddress());
    }
    this.https = https;
    this.names = names;
    this.materializer = materializer;
  }

  /**
   * The network of a fetcher with {@code settings}: its TLS context is made here, once (Pekko's
   * default client context when the settings change nothing); names are looked up with {@code
   * names}; the materializer is the fetcher's, for discarding what a refusing proxy sent.
   */
  public static Network create(
      FetchSettings settings,
      NameResolver names,
      Materializer materializer,
      ActorSystem<?> system) {
    TlsSettings tls = settings.tls();
    HttpsConnectionContext https =
        tls.equals(TlsSettings.defaults())
            ? Http.get(system).defaultClientHttpsContext()
            : TlsContexts.httpsContext(tls);
    return new Network(settings.proxy(), settings.resolve(), https, names, materializer);
  }

  /**
   * Direct connections: no proxy, no pinned address, {@code https} for TLS, names looked up with
   * {@code names}.
   */
  public static Network direct(
      NameResolver names, HttpsConnectionContext https, Materializer materializer) {
    return new Network(ProxySettings.none(), List.of(), https, names, materializer);
  }

  /**
   * The way of a new connection to {@code target}'s host; it fails (with the error the fetch
   * reports) when the name does not resolve or an application's proxy choice throws.
   */
  @Override
  public CompletionStage<NetworkRoute> route(TargetUrl target) {
    ProxyServer proxy;
    try {
      proxy = proxies.proxyFor(target.url().scheme(), target.host(), target.port()).orElse(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(
          new ProxyTransport.Failure(
              "choosing the proxy for " + target.hostKey() + " failed: " + ClientErrors.message(e),
              e));
    }
    if (proxy == null) {
      if (!pins.isEmpty()) {
        InetSocketAddress pinned =
            pins.get(target.host().toLowerCase(Locale.ROOT) + ":" + target.port());
        if (pinned != null) {
          return CompletableFuture.completedFuture(
              NetworkRoute.direct(new ResolvedTransport(pinned), https));
        }
      }
      int port = target.port();
      return names
          .resolve(target.host())
          .thenApply(
              address ->
                  NetworkRoute.direct(
                      new ResolvedTransport(new InetSocketAddress(address, port)), https));
    }
    InetSocketAddress proxyAddress = address(proxy.hostName(), proxy.port());
    if (proxy.scheme().equals("socks5")) {
      return CompletableFuture.completedFuture(
          NetworkRoute.tunnel(
              proxy, new ProxyTransport(new Socks5Transport(proxyAddress, proxy), proxy), https));
    }
    if (target.secure()) {
      ClientTransport connect =
          proxy.hasCredentials()
              ? ClientTransport.httpsProxy(
                  proxyAddress,
                  HttpCredentials.createBasicHttpCredentials(proxy.username(), proxy.password()))
              : ClientTransport.httpsProxy(proxyAddress);
      return CompletableFuture.completedFuture(
          NetworkRoute.tunnel(proxy, new ProxyTransport(connect, proxy), https));
    }
    return CompletableFuture.completedFuture(
        NetworkRoute.absoluteForm(
            proxy, new ProxyTransport(new ToProxy(proxyAddress), proxy), target, materializer));
  }

  /**
   * The proxy's address: pinned with {@code resolve}, or unresolved for Pekko to look up per
   * connection.
   */
  private InetSocketAddress address(String host, int port) {
    String key =
        (host.indexOf(':') >= 0 ? "[" + host + "]" : host).toLowerCase(Locale.ROOT) + ":" + port;
    InetSocketAddress pinned = pins.get(key);
    return pinned != null ? pinned : InetSocketAddress.createUnresolved(host, port);
  }

  /**
   * Plain TCP to the proxy, whatever host HTTP names, without a buffer that would ask for HTTP's
   * bytes before the connection stands (the {@link TunnelGate} reads that demand as "connected").
   */
  private static final class ToProxy extends ClientTransport {
    private final InetSocketAddress proxy;

    ToProxy(InetSocketAddress proxy) {
      this.proxy = proxy;
    }

    @Override
    public Flow<ByteString, ByteString, CompletionStage<OutgoingConnection>> connectTo(
        String host,
        int port,
        ClientConnectionSettings settings,
        org.apache.pekko.actor.ActorSystem system) {
      return ClientTransport.TCP()
          .connectTo(proxy.getHostString(), proxy.getPort(), settings, system);
    }
  }
}
