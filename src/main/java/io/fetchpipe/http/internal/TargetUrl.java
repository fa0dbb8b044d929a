package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.http.FetchErrorKind;
import io.fetchpipe.http.FetchFailure;
import io.fetchpipe.http.FetchRequest;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.pekko.http.javadsl.model.Uri;

/**
 * A URL checked for fetching: parseable, scheme http or https, with a host. Its {@link #hostKey()}
 * (scheme, host and port) is what per-host limits count and what a connection pool serves.
 *
 * @param scheme {@code http} or {@code https}
 * @param host the host as sent (ASCII)
 * @param port the effective port
 * @param pathAndQuery what the request line carries
 * @param userInfo decoded {@code user:password}, or null
 * @param href the whole URL as sent (no fragment, no user info)
 */
@InternalApi
public record TargetUrl(String scheme, String host, int port, String pathAndQuery, String userInfo, String href) {

  /** Scheme, host and port: the key of per-host limits and pools. */
  public String hostKey() {
    return scheme + "://" + host + ":" + port;
  }

  /** Whether the connection is TLS. */
  public boolean secure() {
    return scheme.equals("https");
  }

  /**
   * Parses and checks {@code text}.
   *
   * @throws FetchFailure of kind {@code invalid-url} with a one-line reason
   */
  public static TargetUrl parse(String text) {
    if (text.length() > FetchRequest.MAX_URL_BYTES / 4
        && text.getBytes(StandardCharsets.UTF_8).length > FetchRequest.MAX_URL_BYTES) {
      throw invalid("URL longer than " + FetchRequest.MAX_URL_BYTES + " bytes");
    }
    Uri uri;
    try {
      uri = Uri.create(text);
    } catch (RuntimeException e) { // Pekko's IllegalUriException, with a multi-line message
      throw invalid("unparseable URL: " + firstLine(e.getMessage()));
    }
    return check(uri);
  }

  /** Resolves a redirect's Location against this URL and checks the result. */
  public TargetUrl resolve(String location) {
    Uri next;
    try {
      next = Uri.create(java.net.URI.create(href).resolve(location.trim()).toString());
    } catch (RuntimeException e) {
      throw invalid("unparseable redirect Location: " + firstLine(e.getMessage()));
    }
    return check(next);
  }

  /** The key of the per-host limit, or null when the text is not a valid URL. */
  public static String hostKeyOrNull(String text) {
    try {
      return parse(text).hostKey();
    } catch (FetchFailure e) {
      return null;
    }
  }

  private static TargetUrl check(Uri uri) {
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.isEmpty()) {
      throw invalid("no scheme (expected http:// or https://)");
    }
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw invalid("unsupported scheme '" + uri.getScheme() + "'");
    }
    String host = uri.host().address();
    if (host == null || host.isEmpty()) {
      throw invalid("no host");
    }
    int port = uri.port() != 0 ? uri.port() : (scheme.equals("https") ? 443 : 80);
    String relative = uri.toRelative().fragment(java.util.Optional.empty()).toString();
    String userInfo = uri.userInfo().isEmpty() ? null : uri.userInfo();
    String href = uri.userInfo("").fragment(java.util.Optional.empty()).toString();
    return new TargetUrl(scheme, host.toLowerCase(Locale.ROOT), port, relative.isEmpty() ? "/" : relative, userInfo, href);
  }

  private static FetchFailure invalid(String message) {
    return new FetchFailure(FetchErrorKind.INVALID_URL, message, 0);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "invalid syntax";
    }
    int end = message.indexOf('\n');
    return (end < 0 ? message : message.substring(0, end)).trim();
  }
}
