package io.fetchpipe.http.server;

import io.fetchpipe.http.internal.TlsContexts;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;

/**
 * How the embedded test server speaks HTTPS: the identity it presents and, for mutual TLS, the
 * authorities whose client certificates it requires (a client without one is refused in the
 * handshake).
 *
 * @param identity the server's certificate chain and key
 * @param clientAuthorities CA certificates a client's certificate must chain to; empty: no client
 *     certificate asked for
 */
public record ServerTls(TlsIdentity identity, List<X509Certificate> clientAuthorities) {
  /** Checks the parts. */
  public ServerTls {
    Objects.requireNonNull(identity, "identity");
    clientAuthorities = List.copyOf(clientAuthorities);
  }

  /** HTTPS with {@code identity}, no client certificate asked for. */
  public static ServerTls of(TlsIdentity identity) {
    return new ServerTls(identity, List.of());
  }

  /** HTTPS with a certificate made now for {@code localhost} and {@code 127.0.0.1}. */
  public static ServerTls selfSigned() {
    return of(TlsIdentity.selfSigned("localhost", "127.0.0.1"));
  }

  /** A copy that requires every client to present a certificate issued by {@code authority}. */
  public ServerTls requiringClientCertificates(TlsIdentity authority) {
    return new ServerTls(identity, List.of(authority.certificate()));
  }

  /** Whether clients must present a certificate. */
  public boolean clientCertificatesRequired() {
    return !clientAuthorities.isEmpty();
  }

  /** The server side's connection context: one TLS context, an engine per connection. */
  HttpsConnectionContext connectionContext() {
    SSLContext context;
    try {
      context = SSLContext.getInstance("TLS");
      context.init(
          identity.keyManagers(),
          clientCertificatesRequired() ? TlsContexts.trustManagers(clientAuthorities) : null,
          new SecureRandom());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make the server's TLS context: " + e.getMessage(), e);
    }
    boolean needClientAuth = clientCertificatesRequired();
    return ConnectionContext.httpsServer(
        () -> {
          SSLEngine engine = context.createSSLEngine();
          engine.setUseClientMode(false);
          engine.setNeedClientAuth(needClientAuth);
          return engine;
        });
  }
}
