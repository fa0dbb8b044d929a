package io.fetchpipe.http;

import io.fetchpipe.http.internal.TargetUrl;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * Connections to {@code host:port} go to {@code address} instead of what the name resolves to, like
 * curl's {@code --resolve HOST:PORT:ADDR}: the request keeps its host (the {@code Host} header,
 * TLS's server name and certificate check), only the connection's destination changes.
 *
 * @param host the host as a URL names it (normalized: lowercase, international names as punycode)
 * @param port the port the URL names (or its scheme's default)
 * @param address an IP address, v4 or v6
 */
public record PinnedAddress(String host, int port, String address) {
  public PinnedAddress {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(address, "address");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1-65535, got " + port);
    }
  }

  /**
   * Reads {@code HOST:PORT:ADDR}, e.g. {@code example.com:443:127.0.0.1} or {@code
   * example.com:80:[::1]}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static PinnedAddress parse(String text) {
    int firstColon = text.indexOf(':');
    int secondColon = firstColon < 0 ? -1 : text.indexOf(':', firstColon + 1);
    if (secondColon < 0) {
      throw new IllegalArgumentException("expected HOST:PORT:ADDR, got '" + text + "'");
    }
    String host = text.substring(0, firstColon);
    String port = text.substring(firstColon + 1, secondColon);
    String address = text.substring(secondColon + 1);
    if (host.isEmpty() || !port.matches("[0-9]{1,5}") || address.isEmpty()) {
      throw new IllegalArgumentException("expected HOST:PORT:ADDR, got '" + text + "'");
    }
    int portNumber = Integer.parseInt(port);
    TargetUrl named;
    TargetUrl pinned;
    try {
      named = TargetUrl.parse("http://" + host + ":" + portNumber + "/");
      pinned = TargetUrl.parse("http://" + address + "/");
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "not a host or address in '" + text + "': " + e.getMessage());
    }
    String ip = pinned.host();
    if (!(ip.startsWith("[") || ip.matches("[0-9.]+"))
        || address.matches(".*[^0-9a-fA-F.:\\[\\]].*")) {
      throw new IllegalArgumentException(
          "ADDR must be an IP address, got '" + address + "' in '" + text + "'");
    }
    return new PinnedAddress(named.host(), portNumber, ip);
  }

  /** The socket address connections go to (no name lookup: the address is a literal). */
  public InetSocketAddress socketAddress() {
    String literal = address.startsWith("[") ? address.substring(1, address.length() - 1) : address;
    try {
      return new InetSocketAddress(InetAddress.getByName(literal), port);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("not an IP address: " + address, e);
    }
  }

  /** {@code HOST:PORT:ADDR}, which {@link #parse} reads back. */
  @Override
  public String toString() {
    return host + ":" + port + ":" + address;
  }
}
