package io.fetchpipe.cli;

import io.fetchpipe.http.ProxyServer;
import io.fetchpipe.http.ProxySettings;
import io.fetchpipe.http.internal.NoProxyList;
import io.fetchpipe.http.internal.Pem;
import io.fetchpipe.http.internal.TlsContexts;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code fetch}'s options for networks as they are, with curl's names: proxies ({@code --proxy},
 * {@code --noproxy} and the environment's variables) and TLS ({@code --cacert}, {@code -k}, {@code
 * --cert}, {@code --key}). Every file and value is read and checked before anything is fetched; a
 * bad one is a usage error naming the option.
 */
final class NetworkOptions {
  /** The variables curl reads for proxies, and those it reads for the hosts that bypass them. */
  private static final List<String> PROXY_VARIABLES =
      List.of("http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY");

  private static final List<String> NO_PROXY_VARIABLES = List.of("no_proxy", "NO_PROXY");

  @Option(
      names = "--proxy",
      paramLabel = "URL",
      description =
          "every request through this proxy: http://[user:password@]host:port (https URLs in a CONNECT "
              + "tunnel, http URLs in absolute form) or socks5://[user:password@]host:port; '' for none"
              + " (default: from the environment)")
  String proxy;

  @Option(
      names = "--noproxy",
      paramLabel = "LIST",
      description =
          "comma-separated hosts that bypass the proxy: a name matches itself and its subdomains, an IP "
              + "address itself, * all (default: from the environment)")
  String noProxy;

  @Option(
      names = "--cacert",
      paramLabel = "FILE",
      description =
          "trust the CA certificates of this PEM file instead of the JDK's"
              + " (default: the JDK's trust store)")
  Path caCert;

  @Option(
      names = {"-k", "--insecure"},
      description = "accept any server certificate and host name (default: off)")
  boolean insecure;

  @Option(
      names = "--cert",
      paramLabel = "FILE",
      description =
          "client certificate chain (PEM) for servers that ask for one; its key too unless --key"
              + " (default: none)")
  Path cert;

  @Option(
      names = "--key",
      paramLabel = "FILE",
      description =
          "the client certificate's private key: PEM, PKCS#8, unencrypted (default: none)")
  Path key;

  /**
   * The options read and checked, with the proxy variables of {@code environment} that they do not
   * override.
   *
   * @throws UsageException naming the option (or variable) whose value or file is bad
   */
  NetworkOverrides resolve(Map<String, String> environment) {
    ProxyServer proxyServer = proxy == null || proxy.isBlank() ? null : parse(proxy);
    List<String> bypass = noProxy == null ? null : bypass(noProxy);
    Map<String, String> variables = new HashMap<>(environment);
    if (proxy != null) {
      PROXY_VARIABLES.forEach(variables::remove); // --proxy wins, even --proxy ''
    }
    if (noProxy != null) {
      NO_PROXY_VARIABLES.forEach(variables::remove);
    }
    try {
      ProxySettings.none().withEnvironment(variables);
    } catch (IllegalArgumentException e) {
      throw new UsageException("bad proxy variable in the environment: " + e.getMessage());
    }
    String trusted = caCert == null ? null : Pem.certificates(certificates(caCert, "--cacert"));
    String client = clientCertificate();
    return new NetworkOverrides(
        proxy != null, proxyServer, bypass, Map.copyOf(variables), trusted, insecure, client);
  }

  private static ProxyServer parse(String url) {
    try {
      return ProxyServer.parse(url);
    } catch (IllegalArgumentException e) {
      throw new UsageException("invalid value for --proxy: " + e.getMessage());
    }
  }

  private static List<String> bypass(String list) {
    List<String> entries = NoProxyList.split(list);
    try {
      entries.forEach(NoProxyList::check);
    } catch (IllegalArgumentException e) {
      throw new UsageException("invalid value for --noproxy: " + e.getMessage());
    }
    return entries;
  }

  private static List<X509Certificate> certificates(Path file, String option) {
    try {
      return Pem.certificates(Pem.read(file));
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + " " + file + ": " + e.getMessage());
    }
  }

  /**
   * The client certificate chain and its key as one PEM text, or null; both checked, and that they
   * belong together.
   */
  private String clientCertificate() {
    if (cert == null) {
      if (key != null) {
        throw new UsageException("--key needs --cert FILE");
      }
      return null;
    }
    List<X509Certificate> chain = certificates(cert, "--cert");
    Path keyFile = key != null ? key : cert;
    String option = key != null ? "--key" : "--cert";
    PrivateKey privateKey;
    try {
      privateKey =
          Pem.privateKey(Pem.read(keyFile))
              .orElseThrow(
                  () ->
                      new UsageException(
                          key != null
                              ? "--key "
                                  + key
                                  + ": no private key in it (expected -----BEGIN PRIVATE KEY-----)"
                              : "--cert "
                                  + cert
                                  + " holds no private key: give it with --key FILE"));
      TlsContexts.checkKeyMatches(chain.get(0), privateKey);
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + " " + keyFile + ": " + e.getMessage());
    }
    return Pem.certificates(chain) + Pem.privateKey(privateKey);
  }
}
