package io.fetchpipe.cli;

import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.ProxyServer;
import io.fetchpipe.http.ProxySettings;
import io.fetchpipe.http.TlsSettings;
import java.util.List;
import java.util.Map;

/**
 * What {@code fetch}'s network options and the environment change in the configured fetch settings,
 * already checked ({@link NetworkOptions}). As with curl, an option wins over the environment, and
 * the environment fills only what the configuration leaves unset.
 *
 * @param proxyGiven whether {@code --proxy} was given ({@code --proxy ''} too)
 * @param proxy the proxy of {@code --proxy}, or null for none
 * @param noProxy the hosts of {@code --noproxy}, or null when not given
 * @param environment the proxy variables the options leave in force
 * @param trustedPem the CA certificates of {@code --cacert}, or null
 * @param insecure {@code -k}
 * @param clientPem the client certificate chain and key of {@code --cert}/{@code --key}, or null
 */
record NetworkOverrides(
    boolean proxyGiven,
    ProxyServer proxy,
    List<String> noProxy,
    Map<String, String> environment,
    String trustedPem,
    boolean insecure,
    String clientPem) {

  /** {@code configured} with the environment, then the options, applied. */
  FetchSettings apply(FetchSettings configured) {
    ProxySettings proxies = configured.proxy().withEnvironment(environment);
    if (proxyGiven) {
      proxies = proxy == null ? proxies.withoutProxy() : proxies.withProxy(proxy);
    }
    if (noProxy != null) {
      proxies = proxies.withNoProxy(noProxy);
    }
    TlsSettings tls = configured.tls();
    if (trustedPem != null) {
      tls = tls.withTrustedCertificatesPem(trustedPem);
    }
    if (insecure) {
      tls = tls.withInsecure(true);
    }
    if (clientPem != null) {
      tls = tls.withClientCertificatePem(clientPem, clientPem);
    }
    return configured.withProxy(proxies).withTls(tls);
  }
}
