package io.fetchpipe.http;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An application's own choice of proxy per host, for what one proxy and a bypass list cannot say (a
 * PAC file's logic, a proxy per region). A fetcher asks once for each host (scheme, host, port)
 * when it opens that host's connections, so the answer should not change from one call to the next;
 * it is called on the fetcher's threads and must not block.
 */
@FunctionalInterface
public interface ProxyChoice {
  /**
   * The proxy for connections to {@code host:port} of URLs with {@code scheme}, or empty for a
   * direct connection.
   *
   * @param scheme {@code http} or {@code https}
   * @param host the URL's host in ASCII (an IPv6 address in brackets)
   * @param port the URL's effective port
   */
  Optional<ProxyServer> proxyFor(String scheme, String host, int port);

  /**
   * The choice of a JDK {@link ProxySelector} (e.g. {@code ProxySelector.getDefault()}, which
   * follows the {@code http.proxyHost}, {@code https.proxyHost}, {@code http.nonProxyHosts} and
   * {@code socksProxyHost} system properties): its first HTTP or SOCKS proxy, without credentials
   * (the JDK keeps those in an {@code Authenticator}, which this does not consult).
   */
  static ProxyChoice of(ProxySelector selector) {
    Objects.requireNonNull(selector, "selector");
    return (scheme, host, port) -> {
      List<Proxy> proxies = selector.select(URI.create(scheme + "://" + host + ":" + port + "/"));
      for (Proxy proxy : proxies) {
        if (proxy.type() != Proxy.Type.DIRECT
            && proxy.address() instanceof InetSocketAddress address) {
          String type = proxy.type() == Proxy.Type.HTTP ? "http" : "socks5";
          return Optional.of(
              new ProxyServer(type, address.getHostString(), address.getPort(), null, null));
        }
      }
      return Optional.empty();
    };
  }
}
