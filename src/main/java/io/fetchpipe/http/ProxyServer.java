package io.fetchpipe.http;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * A proxy that requests go through, as curl's {@code --proxy} names one: {@code
 * http://[user:password@]host:port} for an HTTP proxy (https URLs through a {@code CONNECT} tunnel,
 * http URLs sent to it in absolute form), or {@code socks5://[user:password@]host:port} for a
 * SOCKS5 proxy (every URL through a tunnel; {@code socks5h} is the same here: the proxy always
 * resolves the name). Credentials go to an HTTP proxy as {@code Proxy-Authorization: Basic}, to a
 * SOCKS5 proxy as its username/password authentication.
 *
 * @param scheme {@code http} or {@code socks5}
 * @param host the proxy's host name or IP address (an IPv6 address in brackets), lowercase
 * @param port its port
 * @param username the user name, or null for none
 * @param password the password (empty when only a user name was given), or null for none
 */
public record ProxyServer(String scheme, String host, int port, String username, String password) {
  /** The port of a proxy URL that names none, as curl: 1080. */
  public static final int DEFAULT_PORT = 1080;

  /** Checks the parts; an IPv6 address gets its brackets, a name is lowercased. */
  public ProxyServer {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(host, "host");
    if (!scheme.equals("http") && !scheme.equals("socks5")) {
      throw new IllegalArgumentException(
          "a proxy's scheme is http or socks5, got '" + scheme + "'");
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("a proxy needs a host");
    }
    host =
        host.indexOf(':') >= 0 && !host.startsWith("[")
            ? "[" + host + "]"
            : host.toLowerCase(Locale.ROOT);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("a proxy's port must be 1-65535, got " + port);
    }
    if ((username == null) != (password == null)) {
      throw new IllegalArgumentException("a proxy's user name and password come together");
    }
  }

  /** An HTTP proxy without credentials. */
  public static ProxyServer http(String host, int port) {
    return new ProxyServer("http", host, port, null, null);
  }

  /**
   * Reads a proxy URL the way curl reads {@code --proxy} and {@code HTTPS_PROXY}: {@code
   * [scheme://][user[:password]@]host[:port][/]}, the scheme {@code http} when none is given
   * ({@code socks5} and {@code socks5h} for SOCKS5), the port 1080 when none is given, user and
   * password percent-decoded.
   *
   * @throws IllegalArgumentException naming what is wrong (an https or SOCKS4 proxy, no host, a bad
   *     port, a path)
   */
  public static ProxyServer parse(String url) {
    String text = url.strip();
    int schemeEnd = text.indexOf("://");
    String scheme = schemeEnd < 0 ? "http" : text.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
    String rest = schemeEnd < 0 ? text : text.substring(schemeEnd + 3);
    scheme =
        switch (scheme) {
          case "http" -> "http";
          case "socks5", "socks5h" -> "socks5";
          case "https" ->
              throw new IllegalArgumentException(
                  "proxy '"
                      + url
                      + "': a TLS connection to the proxy (https://) is not supported; use http://");
          default ->
              throw new IllegalArgumentException(
                  "proxy '"
                      + url
                      + "': unsupported scheme '"
                      + scheme
                      + "' (expected http, socks5 or socks5h)");
        };
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      if (slash != rest.length() - 1) {
        throw new IllegalArgumentException("proxy '" + url + "': a proxy URL has no path");
      }
      rest = rest.substring(0, slash);
    }
    String username = null;
    String password = null;
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      String userInfo = rest.substring(0, at);
      int colon = userInfo.indexOf(':');
      username = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
      rest = rest.substring(at + 1);
    }
    String host;
    String port;
    if (rest.startsWith("[")) {
      int close = rest.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("proxy '" + url + "': unclosed '[' in the host");
      }
      host = rest.substring(0, close + 1);
      port = rest.substring(close + 1);
    } else {
      int colon = rest.lastIndexOf(':');
      host = colon < 0 ? rest : rest.substring(0, colon);
      port = colon < 0 ? "" : rest.substring(colon);
    }
    if (host.isEmpty() || host.equals("[]")) {
      throw new IllegalArgumentException("proxy '" + url + "': no host");
    }
    int portNumber = DEFAULT_PORT;
    if (!port.isEmpty()) {
      if (!port.matches(":[0-9]{1,5}")) {
        throw new IllegalArgumentException(
            "proxy '" + url + "': bad port '" + port.substring(1) + "'");
      }
      portNumber = Integer.parseInt(port.substring(1));
    }
    try {
      return new ProxyServer(scheme, host, portNumber, username, password);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("proxy '" + url + "': " + e.getMessage(), e);
    }
  }

  private static String decode(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A copy that authenticates with these credentials. */
  public ProxyServer withCredentials(String username, String password) {
    return new ProxyServer(
        scheme,
        host,
        port,
        Objects.requireNonNull(username, "username"),
        Objects.requireNonNull(password, "password"));
  }

  /** Whether credentials are sent to the proxy. */
  public boolean hasCredentials() {
    return username != null;
  }

  /** The host without the brackets of an IPv6 address: what a socket connects to. */
  public String hostName() {
    return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
  }

  /** The URL with its credentials, percent-encoded: what {@link #parse} reads back. */
  public String toUrl() {
    String userInfo = hasCredentials() ? encode(username) + ":" + encode(password) + "@" : "";
    return scheme + "://" + userInfo + host + ":" + port;
  }

  /** The URL without the password, for messages and logs. */
  @Override
  public String toString() {
    return scheme
        + "://"
        + (hasCredentials() ? encode(username) + ":***@" : "")
        + host
        + ":"
        + port;
  }
}
