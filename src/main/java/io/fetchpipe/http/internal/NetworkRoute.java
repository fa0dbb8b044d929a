package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.http.ProxyServer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.ClientTransport;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.HttpCredentials;
import org.apache.pekko.http.javadsl.model.headers.ProxyAuthorization;
import org.apache.pekko.http.javadsl.model.headers.RawRequestURI;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.stream.Materializer;

/**
 * The way one host's connections take (see {@link Network}): the transport under HTTP (null for
 * Pekko's own TCP), the TLS context of an https host (null for Pekko's default), and for an http
 * host behind an HTTP proxy, how each request goes out in absolute form with the proxy's
 * credentials. A connection layer applies {@link #applyTo} to its settings, {@link
 * #httpsContext()} to its TLS, and passes each request through {@link #send}.
 */
@InternalApi
public final class NetworkRoute {
  private final ClientTransport transport;
  private final HttpsConnectionContext https;
  private final ProxyServer proxy;
  private final String origin; // absolute form: "http://host:port" the requests name; else null
  private final HttpHeader proxyAuthorization; // absolute form with credentials; else null
  private final Materializer materializer;
  private final RuntimeException failure; // no way to the host: every request fails with it; else null

  private NetworkRoute(ClientTransport transport, HttpsConnectionContext https, ProxyServer proxy, String origin,
      HttpHeader proxyAuthorization, Materializer materializer, RuntimeException failure) {
    this.failure = failure;
    this.transport = transport;
    this.https = https;
    this.proxy = proxy;
    this.origin = origin;
    this.proxyAuthorization = proxyAuthorization;
    this.materializer = materializer;
  }

  /** Straight to the host, or to {@code transport}'s pinned address. */
  static NetworkRoute direct(ClientTransport transport, HttpsConnectionContext https) {
    return new NetworkRoute(transport, https, null, null, null, null, null);
  }

  /** No way to the host: each request fails with {@code failure}, none is sent. */
  static NetworkRoute failing(RuntimeException failure) {
    return new NetworkRoute(null, null, null, null, null, null, failure);
  }

  /** Through a tunnel the transport opens (CONNECT or SOCKS5); HTTP and TLS run end to end inside it. */
  static NetworkRoute tunnel(ProxyServer proxy, ClientTransport transport, HttpsConnectionContext https) {
    return new NetworkRoute(transport, https, proxy, null, null, null, null);
  }

  /** To an HTTP proxy, each request naming its absolute URL, as curl sends http URLs to a proxy. */
  static NetworkRoute absoluteForm(ProxyServer proxy, ClientTransport toProxy, TargetUrl target,
      Materializer materializer) {
    String origin = "http://" + target.host() + (target.port() == 80 ? "" : ":" + target.port());
    HttpHeader authorization = proxy.hasCredentials()
        ? ProxyAuthorization.create(HttpCredentials.createBasicHttpCredentials(proxy.username(), proxy.password()))
        : null;
    return new NetworkRoute(toProxy, null, proxy, origin, authorization, materializer, null);
  }

  /** {@code settings} with this route's transport (unchanged for a plain direct route). */
  public ConnectionPoolSettings applyTo(ConnectionPoolSettings settings) {
    return transport == null ? settings : settings.withTransport(transport);
  }

  /** {@code settings} with this route's transport (unchanged for a plain direct route). */
  public ClientConnectionSettings applyTo(ClientConnectionSettings settings) {
    return transport == null ? settings : settings.withTransport(transport);
  }

  /** The fetcher's TLS context for an https host; empty: Pekko's default (or a plain host). */
  public Optional<HttpsConnectionContext> httpsContext() {
    return Optional.ofNullable(https);
  }

  /** The proxy on the way, if any. */
  public Optional<ProxyServer> proxy() {
    return Optional.ofNullable(proxy);
  }

  /**
   * Sends {@code request} (its URI relative to the host) with {@code send}, as this route needs
   * it: in absolute form with the proxy's credentials behind an HTTP proxy, where a 407 answer is
   * the proxy's and fails as such (its body discarded); unchanged otherwise.
   */
  public CompletionStage<HttpResponse> send(HttpRequest request,
      Function<HttpRequest, CompletionStage<HttpResponse>> send) {
    if (failure != null) {
      return CompletableFuture.failedFuture(failure);
    }
    if (origin == null) {
      return send.apply(request);
    }
    HttpRequest absolute = request.addHeader(RawRequestURI.create(origin + request.getUri().toString()));
    if (proxyAuthorization != null) {
      absolute = absolute.addHeader(proxyAuthorization);
    }
    return send.apply(absolute).thenCompose(this::refusedByProxy);
  }

  private CompletionStage<HttpResponse> refusedByProxy(HttpResponse response) {
    if (response.status().intValue() != 407) {
      return CompletableFuture.completedFuture(response);
    }
    String status = response.status().intValue() + " " + response.status().reason();
    return response.discardEntityBytes(materializer).completionStage().handle((done, error) -> {
      throw new CompletionException(
          new ProxyTransport.Failure("proxy " + proxy + " refused the request: " + status, null));
    });
  }
}
