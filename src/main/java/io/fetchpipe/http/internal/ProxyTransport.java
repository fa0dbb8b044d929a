package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.http.ProxyServer;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.impl.engine.client.ProxyConnectionFailedException;
import org.apache.pekko.http.javadsl.ClientTransport;
import org.apache.pekko.http.javadsl.OutgoingConnection;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.stream.StreamTcpException;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/**
 * A transport through a proxy whose own failures (it cannot be reached, it refuses the tunnel) fail
 * as a {@link Failure} naming the proxy, so they are reported as kind {@code proxy} rather than as
 * a {@code connect} failure of the URL's host. Failures once the way through stands (the target's
 * TLS, a reset) pass unchanged. A {@link TunnelGate} makes sure that these failures reach the
 * connection pool as the connection attempt's, with their reason.
 */
@InternalApi
public final class ProxyTransport extends ClientTransport {
  private final ClientTransport delegate;
  private final ProxyServer proxy;

  /** {@code delegate}'s connections, whose set-up failures name {@code proxy}. */
  public ProxyTransport(ClientTransport delegate, ProxyServer proxy) {
    this.delegate = delegate;
    this.proxy = proxy;
  }

  @Override
  public Flow<ByteString, ByteString, CompletionStage<OutgoingConnection>> connectTo(
      String host, int port, ClientConnectionSettings settings, ActorSystem system) {
    TunnelGate gate =
        new TunnelGate(
            error -> named(error, host, port),
            "closed the connection before the way to " + host + ":" + port + " was open");
    return delegate
        .connectTo(host, port, settings, system)
        .joinMat(
            BidiFlow.fromGraph(gate).reversed(),
            (connected, opened) ->
                connected
                    .handle(
                        (connection, error) -> {
                          if (error != null) {
                            boolean wrapped =
                                error instanceof CompletionException && error.getCause() != null;
                            throw new CompletionException(
                                named(wrapped ? error.getCause() : error, host, port));
                          }
                          return connection;
                        })
                    .thenCombine(opened, (connection, open) -> connection));
  }

  /** {@code error} as the proxy's failure when it is one, else unchanged. */
  private Throwable named(Throwable error, String host, int port) {
    if (error instanceof Failure) {
      return error;
    }
    if (error instanceof ProxyConnectionFailedException refused) {
      String message = String.valueOf(refused.getMessage());
      int status = message.lastIndexOf("status code: ");
      return new Failure(
          "proxy "
              + proxy
              + " refused the tunnel to "
              + host
              + ":"
              + port
              + ": "
              + (status < 0 ? message : message.substring(status + "status code: ".length())),
          error);
    }
    if (error instanceof Refusal refusal) {
      return new Failure("proxy " + proxy + " " + refusal.getMessage(), error);
    }
    if (error instanceof StreamTcpException
        && String.valueOf(error.getMessage()).contains("Connect(")) {
      return new Failure("proxy " + proxy + " unreachable: " + reason(error), error);
    }
    return error;
  }

  /**
   * The end of Pekko's "Tcp command [Connect(...)] failed because of java.net.ConnectException:
   * reason".
   */
  private static String reason(Throwable error) {
    Throwable cause = error.getCause() != null ? error.getCause() : error;
    String message = cause.getMessage();
    if (message == null || message.isBlank() || cause == error) {
      String full = String.valueOf(error.getMessage());
      int because = full.lastIndexOf("because of ");
      String tail = because < 0 ? full : full.substring(because + "because of ".length());
      int colon = tail.indexOf(": ");
      return colon < 0 ? tail : tail.substring(colon + 2);
    }
    return message;
  }

  /** A proxy could not be reached, or refused to open the way to the target. */
  public static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Failure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * What a proxy did instead of opening the way (a SOCKS5 reply code, a connection closed too
   * early); {@link Failure} then names the proxy.
   */
  public static final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A refusal saying what happened, e.g. {@code refused the tunnel to host:port: connection
     * refused}.
     */
    public Refusal(String message) {
      super(message);
    }
  }
}
