package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.http.FetchErrorKind;
import io.fetchpipe.http.FetchFailure;
import io.fetchpipe.http.FetchRequest;
import java.nio.charset.StandardCharsets;

/**
 * A URL checked for fetching, read the way a browser reads it ({@link WebUrl}): scheme http or
 * https, with a host. Its {@link #hostKey()} (scheme, host and port) is what per-host limits count
 * and what a kept-alive connection serves. What no browser would fetch fails as {@code
 * invalid-url}.
 *
 * @param url the parsed URL
 */
@InternalApi
public record TargetUrl(WebUrl url) {

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
    try {
      return new TargetUrl(WebUrl.parse(text));
    } catch (WebUrl.InvalidUrlException e) {
      throw invalid(e.getMessage());
    }
  }

  /** Resolves a redirect's Location against this URL and checks the result. */
  public TargetUrl resolve(String location) {
    try {
      return new TargetUrl(url.resolve(location));
    } catch (WebUrl.InvalidUrlException e) {
      throw invalid(e.getMessage());
    }
  }

  /** The key of the per-host limit, or null when the text is not a valid URL. */
  public static String hostKeyOrNull(String text) {
    try {
      return parse(text).hostKey();
    } catch (FetchFailure e) {
      return null;
    }
  }

  /** Scheme, host and port: the key of per-host limits and pools. */
  public String hostKey() {
    return url.hostKey();
  }

  /** Whether the connection is TLS. */
  public boolean secure() {
    return url.scheme().equals("https");
  }

  /** The host as sent (ASCII: punycode, IP literals). */
  public String host() {
    return url.host();
  }

  /** The effective port. */
  public int port() {
    return url.port();
  }

  /** What the request line carries. */
  public String pathAndQuery() {
    return url.pathAndQuery();
  }

  /** Decoded {@code user:password}, or null. */
  public String userInfo() {
    return url.userInfo();
  }

  /** The URL as sent: no fragment, no user info. */
  public String href() {
    return url.href();
  }

  private static FetchFailure invalid(String message) {
    return new FetchFailure(FetchErrorKind.INVALID_URL, message, 0);
  }
}
