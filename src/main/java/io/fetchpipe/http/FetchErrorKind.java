package io.fetchpipe.http;

import io.fetchpipe.core.ErrorKind;

/**
 * The error kinds of a fetch, beside the core's {@code timeout}, {@code cancelled}, {@code
 * exception} and {@code crashed}. Their names are those of the command line's JSON lines.
 */
public final class FetchErrorKind {
  /** The URL could not be parsed, its scheme is not http/https, or it has no host. */
  public static final ErrorKind INVALID_URL = ErrorKind.of("invalid-url");

  /** The connection could not be opened (refused, host unresolvable). */
  public static final ErrorKind CONNECT = ErrorKind.of("connect");

  /** The connection was reset or closed, or the server answered with something that is not HTTP. */
  public static final ErrorKind IO = ErrorKind.of("io");

  /** The (decoded) response body exceeded the configured maximum. */
  public static final ErrorKind TOO_LARGE = ErrorKind.of("too-large");

  /** The response status was 400 or more and statuses were to be raised as errors. */
  public static final ErrorKind HTTP_STATUS = ErrorKind.of("http-status");

  /** More redirects than allowed. */
  public static final ErrorKind TOO_MANY_REDIRECTS = ErrorKind.of("too-many-redirects");

  /** The host's circuit breaker was open, so no request was sent. */
  public static final ErrorKind CIRCUIT_OPEN = ErrorKind.of("circuit-open");

  /** The body could not be decoded as asked (e.g. it is not JSON). */
  public static final ErrorKind DECODE = ErrorKind.of("decode");

  /**
   * The body could not be written where {@link ReadAs#file} said (disk full, no permission): a
   * local problem, not the server's.
   */
  public static final ErrorKind WRITE = ErrorKind.of("write");

  /**
   * The TLS handshake failed: an untrusted, expired or not yet valid certificate, a host name the
   * certificate does not name, no protocol both sides speak, a client certificate refused.
   */
  public static final ErrorKind TLS = ErrorKind.of("tls");

  /**
   * The proxy could not be reached, or refused the tunnel or the request with a status other than
   * 2xx (407 when it wants credentials).
   */
  public static final ErrorKind PROXY = ErrorKind.of("proxy");

  /** The request itself was malformed (e.g. a line of {@code --input jsonl} that is no request). */
  public static final ErrorKind INVALID_REQUEST = ErrorKind.of("invalid-request");

  /**
   * The host's robots.txt does not allow the URL (or could not be had: a 5xx answer or none), and
   * the fetcher obeys it; no request was sent.
   */
  public static final ErrorKind ROBOTS = ErrorKind.of("robots");

  private FetchErrorKind() {}
}
