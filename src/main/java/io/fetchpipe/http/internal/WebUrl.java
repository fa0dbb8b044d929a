package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import java.util.Objects;

/**
 * An http or https URL read the way browsers read it: the WHATWG URL Standard's basic URL parser
 * for the special schemes, so {@code http://bücher.example/a b?q=ü} is a URL to fetch, not an
 * error. It stands for the {@code yarl.URL} that aiohttp builds from the string given to {@code
 * session.get}: the host is punycode or a canonical IP address, the path and query are
 * percent-encoded as UTF-8, and {@link #href()} is what goes on the wire. Immutable.
 *
 * <p>Deliberate differences from the standard, each because of what this URL is for:
 *
 * <ul>
 *   <li>a control character (U+0000 to U+001F other than tab, LF and CR, or U+007F) inside the URL
 *       is an error, where browsers would percent-encode it; leading and trailing ones are stripped
 *       and tab, LF and CR removed, as the standard says;
 *   <li>characters the standard leaves raw but Pekko HTTP's URI parser rejects or rewrites are
 *       percent-encoded: a {@code %} without two hex digits after it, {@code [ ] |} in the path,
 *       {@code [ ] | \ ^ ` { }} in the query; a host with {@code " ` { }} is an error;
 *   <li>international domain names are converted with IDNA2003 ({@link java.net.IDN}), not UTS #46,
 *       and labels starting {@code xn--} are passed on without checking their punycode;
 *   <li>the fragment is dropped; only http and https are accepted.
 * </ul>
 */
@InternalApi
public final class WebUrl {
  private final String scheme;
  private final String username;
  private final String password;
  private final String host;
  private final int explicitPort;
  private final String path;
  private final String query;
  private final String href;
  // Asked for twice per request (the circuit breaker's and the connection cache's key).
  private String hostKey;

  /**
   * Assembles a parsed URL; every part is already in serialized (percent-encoded) form.
   *
   * @param explicitPort the port, or -1 when it is the scheme's default
   * @param query the query without its {@code ?}, or null when there is none
   */
  WebUrl(
      String scheme,
      String username,
      String password,
      String host,
      int explicitPort,
      String path,
      String query) {
    this(scheme, username, password, host, explicitPort, path, query, null);
  }

  /** As above, with the href when the caller has it already (null: assembled from the parts). */
  WebUrl(
      String scheme,
      String username,
      String password,
      String host,
      int explicitPort,
      String path,
      String query,
      String href) {
    this.scheme = scheme;
    this.username = username;
    this.password = password;
    this.host = host;
    this.explicitPort = explicitPort;
    this.path = path;
    this.query = query;
    this.href =
        href != null
            ? href
            : scheme + "://" + host + (explicitPort < 0 ? "" : ":" + explicitPort) + pathAndQuery();
  }

  /**
   * Reads {@code input} as a browser reads an address: an absolute http or https URL.
   *
   * @throws InvalidUrlException when no browser would fetch it: no scheme, another scheme, no host,
   *     a bad port or IP address, a forbidden character in the host, a control character
   */
  public static WebUrl parse(String input) {
    WebUrl plain = PlainUrl.readOrNull(Objects.requireNonNull(input, "input"));
    return plain != null ? plain : WebUrlParser.parse(input, null);
  }

  /**
   * Resolves {@code reference} (a redirect's {@code Location}, say) against this URL, as a browser
   * follows a link: absolute, scheme-relative ({@code //host/p}), absolute-path, relative-path with
   * dot segments, query-only or empty.
   *
   * @throws InvalidUrlException when the result is not a URL {@link #parse} would accept
   */
  public WebUrl resolve(String reference) {
    return WebUrlParser.parse(Objects.requireNonNull(reference, "reference"), this);
  }

  /** The scheme, {@code http} or {@code https}. */
  public String scheme() {
    return scheme;
  }

  /**
   * The host in ASCII: a lowercase (punycode) domain, an IPv4 address in dotted decimal, or an IPv6
   * address in brackets, compressed.
   */
  public String host() {
    return host;
  }

  /** The port to connect to: the explicit one, else 80 for http and 443 for https. */
  public int port() {
    return explicitPort >= 0 ? explicitPort : defaultPort(scheme);
  }

  /** The percent-encoded path (at least {@code /}), then {@code ?} and the query if any. */
  public String pathAndQuery() {
    return query == null ? path : path + "?" + query;
  }

  /**
   * The percent-decoded credentials, {@code user} or {@code user:password}, for Basic
   * authentication; null when the URL has none.
   */
  public String userInfo() {
    if (username.isEmpty() && password.isEmpty()) {
      return null;
    }
    String user = PercentEncoding.decode(username);
    return password.isEmpty() ? user : user + ":" + PercentEncoding.decode(password);
  }

  /**
   * The URL as sent: scheme, host, port unless it is the default, path and query; without
   * credentials and fragment.
   */
  public String href() {
    return href;
  }

  /** {@code scheme://host:port} with the effective port: the key that per-host limits count. */
  public String hostKey() {
    String key = hostKey;
    if (key == null) {
      key = scheme + "://" + host + ":" + port();
      hostKey = key; // a race makes it twice, equal: no harm
    }
    return key;
  }

  /** The same as {@link #href()}. */
  @Override
  public String toString() {
    return href;
  }

  /** Equal when the href and the credentials are equal. */
  @Override
  public boolean equals(Object other) {
    return other instanceof WebUrl that
        && href.equals(that.href)
        && username.equals(that.username)
        && password.equals(that.password);
  }

  @Override
  public int hashCode() {
    return href.hashCode();
  }

  static int defaultPort(String scheme) {
    return scheme.equals("https") ? 443 : 80;
  }

  String username() {
    return username;
  }

  String password() {
    return password;
  }

  int explicitPort() {
    return explicitPort;
  }

  String path() {
    return path;
  }

  String query() {
    return query;
  }

  /**
   * A URL that no browser would fetch, or a scheme other than http and https. The message is one
   * human-readable line, such as {@code unsupported scheme 'ftp'} or {@code invalid port '99999'}.
   */
  public static final class InvalidUrlException extends IllegalArgumentException {
    private static final int MAX_QUOTED = 64;

    InvalidUrlException(String message) {
      super(message);
    }

    /** {@code text} in single quotes, shortened so that a message stays a readable line. */
    static String quoted(String text) {
      String shown = text.length() <= MAX_QUOTED ? text : text.substring(0, MAX_QUOTED) + "...";
      return "'" + shown + "'";
    }
  }
}
