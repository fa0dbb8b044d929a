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
import org.apache.pekko.stream.Materializer;

/**
 * The way a new connection to one host takes (see {@link Network}): the transport under HTTP (a TCP
 * connection to the host's address, or a tunnel through a proxy), the TLS context of an https host,
 * and for an http host behind an HTTP proxy, how each request goes out in absolute form with the
 * proxy's credentials. A connection layer connects with {@link #transport()} and {@link #https()},
 * and passes each request through {@link #send}.
 */
@InternalApi
public final class NetworkRoute {
  private final ClientTransport transport;
  private final HttpsConnectionContext https;
  private final ProxyServer proxy;
  private final String origin; // absolute form: "http://host:port" the requests name; else null
  private final HttpHeader proxyAuthorization; // absolute form with credentials; else null
  private final Materializer materializer;

  private NetworkRoute(
      ClientTransport transport,
      HttpsConnectionContext https,
      ProxyServer proxy,
      String origin,
      HttpHeader proxyAuthorization,
      Materializer materializer) {
    this.transport = transport;
    this.https = https;
    this.proxy = proxy;
    this.origin = origin;
    this.proxyAuthorization = proxyAuthorization;
    this.materializer = materializer;
  }

  /**
   * Straight to the host's address ({@code transport} knows it), speaking TLS with {@code https} to
   * an https host.
   */
  public static NetworkRoute direct(ClientTransport transport, HttpsConnectionContext https) {
    return new NetworkRoute(transport, https, null, null, null, null);
  }

  /**
   * Through a tunnel the transport opens (CONNECT or SOCKS5); HTTP and TLS run end to end inside
   * it.
   */
  static NetworkRoute tunnel(
      ProxyServer proxy, ClientTransport transport, HttpsConnectionContext https) {
    return new NetworkRoute(transport, https, proxy, null, null, null);
  }

  /** To an HTTP proxy, each request naming its absolute URL, as curl sends http URLs to a proxy. */
  static NetworkRoute absoluteForm(
      ProxyServer proxy, ClientTransport toProxy, TargetUrl target, Materializer materializer) {
    String origin = "http://" + target.host() + (target.port() == 80 ? "" : ":" + target.port());
    HttpHeader authorization =
        proxy.hasCredentials()
            ? ProxyAuthorization.create(
                HttpCredentials.createBasicHttpCredentials(proxy.username(), proxy.password()))
            : null;
    return new NetworkRoute(toProxy, null, proxy, origin, authorization, materializer);
  }

  /**
   * What carries the connection's bytes; it is given the target's host and port, and the connection
   * settings.
   */
  public ClientTransport transport() {
    return transport;
  }

  /**
   * The TLS context of an https target (its SSL engine checks the server's certificate against the
   * target's host); null on a route that speaks no TLS to the target.
   */
  public HttpsConnectionContext https() {
    return https;
  }

  /** The proxy on the way, if any. */
  public Optional<ProxyServer> proxy() {
    return Optional.ofNullable(proxy);
  }

  /**
   * Sends {@code request} (its URI relative to the host) with {@code send}, as this route needs it:
   * in absolute form with the proxy's credentials behind an HTTP proxy, where a 407 answer is the
   * proxy's and fails as such (its body discarded); unchanged otherwise.
   */
  public CompletionStage<HttpResponse> send(
      HttpRequest request, Function<HttpRequest, CompletionStage<HttpResponse>> send) {
    if (origin == null) {
      return send.apply(request);
    }
    HttpRequest absolute =
        request.addHeader(RawRequestURI.create(origin + request.getUri().toString()));
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
    return response
        .discardEntityBytes(materializer)
        .completionStage()
        .handle(
            (done, error) -> {
              throw new CompletionException(
                  new ProxyTransport.Failure(
                      "proxy " + proxy + " refused the request: " + status, null));
            });
  }
}
