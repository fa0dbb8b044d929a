package io.fetchpipe.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.fetchpipe.testing.SettingsContract;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Proxy URLs, the environment and the no-proxy list read as curl reads them, from a map given to
 * the settings (never the test process's environment), and the settings' way through config.
 */
class ProxySettingsTest {
  private static final ProxyServer A = ProxyServer.parse("http://a.proxy:3128");
  private static final ProxyServer B = ProxyServer.parse("http://b.proxy:3128");

  private static Optional<ProxyServer> forUrl(ProxySettings settings, String scheme, String host) {
    return settings.proxyFor(scheme, host, scheme.equals("https") ? 443 : 80);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
      proxy.corp:3128                       | http   | proxy.corp   | 3128  | -         | -
      http://proxy.corp                     | http   | proxy.corp   | 1080  | -         | -
      HTTP://Proxy.Corp:8080/               | http   | proxy.corp   | 8080  | -         | -
      http://user:pa%3Ass@proxy.corp:3128   | http   | proxy.corp   | 3128  | user      | pa:ss
      http://user@proxy.corp:3128           | http   | proxy.corp   | 3128  | user      |
      http://[::1]:3128                     | http   | [::1]        | 3128  | -         | -
      socks5://127.0.0.1:1080               | socks5 | 127.0.0.1    | 1080  | -         | -
      socks5h://u:p@127.0.0.1               | socks5 | 127.0.0.1    | 1080  | u         | p
      """)
  void proxyUrlsAreReadAsCurlReadsThem(
      String url, String scheme, String host, int port, String user, String password) {
    assertEquals(
        new ProxyServer(
            scheme, host, port, user, user == null ? null : password == null ? "" : password),
        ProxyServer.parse(url));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      https://proxy.corp:3128    | not supported
      socks4://proxy.corp:1080   | unsupported scheme 'socks4'
      http://proxy.corp:99999    | port
      http://proxy.corp:x        | bad port
      http://:3128               | no host
      http://proxy.corp/path     | no path
      """)
  void proxyUrlsThatCannotBeUsedSayWhy(String url, String reason) {
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> ProxyServer.parse(url));
    assertTrue(error.getMessage().contains(reason), error.getMessage());
  }

  @Test
  void aProxyPrintsWithoutItsPasswordAndRoundTripsWithIt() {
    ProxyServer proxy = ProxyServer.parse("http://us%20er:s%40cret@proxy.corp:3128");
    assertEquals("http://us%20er:***@proxy.corp:3128", proxy.toString());
    assertEquals(proxy, ProxyServer.parse(proxy.toUrl()));
  }

  @Test
  void httpsUrlsReadHttpsProxyLowercaseFirst() {
    ProxySettings lower =
        ProxySettings.none()
            .withEnvironment(Map.of("https_proxy", A.toUrl(), "HTTPS_PROXY", B.toUrl()));
    assertEquals(Optional.of(A), forUrl(lower, "https", "example.com"));
    ProxySettings upper = ProxySettings.none().withEnvironment(Map.of("HTTPS_PROXY", B.toUrl()));
    assertEquals(Optional.of(B), forUrl(upper, "https", "example.com"));
    assertEquals(
        Optional.empty(),
        forUrl(upper, "http", "example.com"),
        "https_proxy is for https URLs only");
  }

  @Test
  void httpUrlsReadOnlyLowercaseHttpProxy() {
    assertEquals(
        Optional.of(A),
        forUrl(
            ProxySettings.none().withEnvironment(Map.of("http_proxy", A.toUrl())),
            "http",
            "example.com"));
    assertEquals(
        Optional.empty(),
        forUrl(
            ProxySettings.none().withEnvironment(Map.of("HTTP_PROXY", A.toUrl())),
            "http",
            "example.com"),
        "curl ignores HTTP_PROXY: CGI puts a request's Proxy header there");
  }

  @Test
  void allProxyServesWhenTheSchemesOwnIsUnsetOrEmpty() {
    ProxySettings settings =
        ProxySettings.none()
            .withEnvironment(
                Map.of("ALL_PROXY", B.toUrl(), "https_proxy", A.toUrl(), "http_proxy", ""));
    assertEquals(Optional.of(A), forUrl(settings, "https", "example.com"));
    assertEquals(
        Optional.of(B),
        forUrl(settings, "http", "example.com"),
        "an empty variable counts as unset");
    ProxySettings lowerFirst =
        ProxySettings.none()
            .withEnvironment(Map.of("all_proxy", A.toUrl(), "ALL_PROXY", B.toUrl()));
    assertEquals(Optional.of(A), forUrl(lowerFirst, "http", "example.com"));
  }

  @Test
  void noProxyIsReadLowercaseFirstAndBypasses() {
    ProxySettings settings =
        ProxySettings.none()
            .withEnvironment(
                Map.of(
                    "https_proxy",
                    A.toUrl(),
                    "no_proxy",
                    "internal.corp, 10.0.0.0/8",
                    "NO_PROXY",
                    "elsewhere"));
    assertEquals(List.of("internal.corp", "10.0.0.0/8"), settings.noProxy());
    assertEquals(Optional.empty(), forUrl(settings, "https", "api.internal.corp"));
    assertEquals(Optional.empty(), forUrl(settings, "https", "10.1.2.3"));
    assertEquals(Optional.of(A), forUrl(settings, "https", "elsewhere"));
  }

  @Test
  void whatIsAlreadySetWinsOverTheEnvironment() {
    ProxySettings settings =
        ProxySettings.none()
            .withHttpsProxy(B)
            .withNoProxy(List.of("mine"))
            .withEnvironment(
                Map.of("https_proxy", A.toUrl(), "http_proxy", A.toUrl(), "no_proxy", "theirs"));
    assertEquals(Optional.of(B), forUrl(settings, "https", "theirs"));
    assertEquals(
        Optional.of(A), forUrl(settings, "http", "example.com"), "the unset scheme is filled");
    assertEquals(Optional.empty(), forUrl(settings, "http", "mine"));
  }

  @Test
  void aBadVariableIsNamedInTheError() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () -> ProxySettings.none().withEnvironment(Map.of("ALL_PROXY", "socks4://x:1")));
    assertTrue(error.getMessage().startsWith("ALL_PROXY: "), error.getMessage());
  }

  @Test
  void theConfigurationIsReadAndWrittenBack() {
    ProxySettings configured =
        ProxySettings.create(
            ConfigFactory.parseString(
                    """
        fetchpipe.http.proxy {
          http = "http://u:p@a.proxy:3128"
          https = "socks5://b.proxy"
          no-proxy = [".internal.corp", "127.0.0.1"]
          from-environment = off
        }""")
                .withFallback(ConfigFactory.defaultReference()));
    assertEquals(
        Optional.of(new ProxyServer("http", "a.proxy", 3128, "u", "p")), configured.httpProxy());
    assertEquals(
        Optional.of(new ProxyServer("socks5", "b.proxy", 1080, null, null)),
        configured.httpsProxy());
    assertEquals(Optional.empty(), forUrl(configured, "http", "x.internal.corp"));
    assertEquals(
        configured,
        ProxySettings.create(configured.toConfig().withFallback(ConfigFactory.defaultReference())));
    assertEquals(
        ProxySettings.none(),
        ProxySettings.create(ConfigFactory.defaultReference()),
        "no proxy by default");
  }

  @Test
  void everyProxyKeyInReferenceConfIsInTheTable() {
    SettingsContract.assertTableListsReferenceKeys(ProxySettings.keys());
  }

  @Test
  void everyProxyKeySetInCodeReadsBackFromToConfig() {
    ProxySettings changed =
        ProxySettings.defaults()
            .withHttpProxy(A)
            .withHttpsProxy(B)
            .withNoProxy(List.of("example.com", "10.0.0.0/8"));
    // from-environment is applied when the settings are made: what the environment said travels as
    // values.
    SettingsContract.assertRoundTrip(
        ProxySettings.keys(),
        ProxySettings.defaults(),
        changed,
        ProxySettings::toConfig,
        ProxySettings::create,
        Set.of("from-environment"));
    ProxySettings fromEnvironment =
        ProxySettings.defaults().withEnvironment(Map.of("http_proxy", "http://c.proxy:1"));
    assertEquals(fromEnvironment, ProxySettings.create(fromEnvironment.toConfig()));
    assertEquals(ProxySettings.none(), ProxySettings.defaults());
  }

  @Test
  void anApplicationsChoiceCannotTravelAsConfig() {
    ProxySettings chosen = ProxySettings.none().withChoice((scheme, host, port) -> Optional.of(A));
    assertEquals(Optional.of(A), forUrl(chosen, "https", "anything"));
    assertThrows(IllegalStateException.class, chosen::toConfig);
    assertThrows(
        IllegalStateException.class,
        () -> ProxySettings.keys().writeSection(chosen),
        "nor as a section of the fetch settings");
    assertFalse(
        chosen
            .withEnvironment(Map.of("https_proxy", B.toUrl()))
            .proxyFor("https", "x", 443)
            .map(B::equals)
            .orElse(false),
        "the environment does not override an application's choice");
  }

  @Test
  void theJdksProxySelectorCanChoose() {
    ProxySelector selector =
        ProxySelector.of(InetSocketAddress.createUnresolved("jdk.proxy", 8080));
    assertEquals(
        Optional.of(new ProxyServer("http", "jdk.proxy", 8080, null, null)),
        ProxyChoice.of(selector).proxyFor("https", "example.com", 443));
  }
}
