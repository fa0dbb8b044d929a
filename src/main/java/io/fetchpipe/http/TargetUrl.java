package io.fetchpipe.http;

import io.fetchpipe.core.ErrorKind;
import java.util.Locale;
import org.apache.pekko.http.javadsl.model.Uri;

/**
 * A URL checked for fetching: parseable, scheme http or https, with a host. Its {@link #hostKey()}
 * (scheme, host and port) is what the per-host limit counts.
 */
record TargetUrl(Uri uri, String hostKey) {

  /**
   * Parses and checks {@code text}.
   *
   * @throws FetchFailure of kind {@code invalid-url} with a one-line reason
   */
  static TargetUrl parse(String text) {
    if (text.length() > FetchRequest.MAX_URL_BYTES / 4
        && text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > FetchRequest.MAX_URL_BYTES) {
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
  TargetUrl resolve(String location) {
    Uri next;
    try {
      next = Uri.create(java.net.URI.create(uri.toString()).resolve(location.trim()).toString());
    } catch (RuntimeException e) {
      throw invalid("unparseable redirect Location: " + firstLine(e.getMessage()));
    }
    return check(next);
  }

  /** The key of the per-host limit, or null when the text is not a valid URL. */
  static String hostKeyOrNull(String text) {
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
    return new TargetUrl(uri, scheme + "://" + host.toLowerCase(Locale.ROOT) + ":" + port);
  }

  private static FetchFailure invalid(String message) {
    return new FetchFailure(ErrorKind.INVALID_URL, message, 0, 0, null);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "invalid syntax";
    }
    int end = message.indexOf('\n');
    return (end < 0 ? message : message.substring(0, end)).trim();
  }
}
