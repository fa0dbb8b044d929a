package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.http.FetchErrorKind;
import io.fetchpipe.http.FetchFailure;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Names what failed on the way to a server: a proxy ({@code proxy}: unreachable, or it refused the
 * tunnel or the request) or the TLS handshake ({@code tls}: an untrusted, expired or not yet valid
 * certificate, a host name the certificate does not name, no protocol both sides speak, a client
 * certificate refused or missing, a server that answers in plain text). Anything else is left to
 * {@link ClientErrors}.
 */
@InternalApi
public final class NetworkErrors {
  private NetworkErrors() {}

  /** The failure {@code error} stands for, or null when it is neither a proxy's nor TLS's. */
  public static FetchFailure classify(Throwable error, int attempt) {
    if (error instanceof ProxyTransport.Failure proxy) {
      return new FetchFailure(FetchErrorKind.PROXY, proxy.getMessage(), attempt, null, error);
    }
    if (error instanceof SSLException tls) {
      return new FetchFailure(FetchErrorKind.TLS, tlsMessage(tls), attempt, null, error);
    }
    return null;
  }

  /** What went wrong in the handshake, from the exception and its causes. */
  static String tlsMessage(SSLException error) {
    // The most telling cause first: an expiry is also a failed path validation.
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof CertificateExpiredException) {
        return "certificate expired: " + ClientErrors.message(t);
      }
      if (t instanceof CertificateNotYetValidException) {
        return "certificate not yet valid: " + ClientErrors.message(t);
      }
    }
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof CertPathValidatorException invalid
          && invalid.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
        return "certificate expired: " + ClientErrors.message(t);
      }
      if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException) {
        return "untrusted certificate: " + ClientErrors.message(t);
      }
    }
    String message = ClientErrors.message(error);
    String lower = message.toLowerCase(Locale.ROOT);
    if (lower.contains("no subject alternative") || lower.contains("no name matching")) {
      return "host name mismatch: " + message;
    }
    if (lower.contains("no appropriate protocol")
        || lower.contains("protocol_version")
        || lower.contains("handshake_failure")
        || lower.contains("no cipher suites in common")
        || lower.contains("insufficient_security")
        || lower.contains("not supported by the server")) {
      return "no common protocol: " + message;
    }
    if (lower.contains("certificate_required")
        || lower.contains("bad_certificate")
        || lower.contains("unknown_ca")
        || lower.contains("certificate_unknown")) {
      return "client certificate refused or missing: " + message;
    }
    if (lower.contains("plaintext connection") || lower.contains("unrecognized ssl message")) {
      return "the server does not speak TLS: " + message;
    }
    if (lower.contains("certificate_expired")) {
      return "certificate expired: " + message;
    }
    return "handshake failed: " + message;
  }
}
