package io.fetchpipe.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.http.server.ServerTls;
import io.fetchpipe.http.server.TestServer;
import io.fetchpipe.http.server.TlsIdentity;
import io.fetchpipe.testing.TestProxy;
import io.fetchpipe.testing.WithEmbeddedServer;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fetching through a real proxy on 127.0.0.1 (the test's own {@link TestProxy}): https URLs in
 * {@code CONNECT} tunnels, http URLs in absolute form, SOCKS5 for both, each request counted by the
 * proxy; its credentials; its refusals and its absence reported as kind {@code proxy}; hosts that
 * bypass it; and settings that travel as config, as they do to a cluster's nodes.
 */
class ProxyFetchTest extends WithEmbeddedServer {
  private static final TlsIdentity CA = TlsIdentity.authority("fetchpipe proxy test CA");

  private TestServer https;

  @BeforeEach
  void startHttps() throws Exception {
    https =
        TestServer.start(
                testKit.system(), "127.0.0.1", 0, ServerTls.of(CA.issue("localhost", "127.0.0.1")))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stopHttps() throws Exception {
    https.stop(Duration.ofMillis(200)).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private FetchSettings through(String proxyUrl) {
    return FetchSettings.create(testKit.system())
        .withProxy(ProxySettings.none().withProxy(ProxyServer.parse(proxyUrl)))
        .withTls(TlsSettings.defaults().withTrustedCertificatesPem(CA.certificatePem()));
  }

  private List<Outcome<FetchResponse>> fetchAll(FetchSettings settings, String... urls)
      throws Exception {
    try (Fetcher fetcher =
        Fetcher.create(testKit.system(), PoolSettings.create(testKit.system()), settings)) {
      return fetcher.fetchAll(List.of(urls)).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static FetchFailure failure(Outcome<FetchResponse> outcome, ErrorKind kind) {
    assertTrue(outcome instanceof Outcome.Failure, "expected a failure, got " + outcome);
    FetchFailure failure = (FetchFailure) ((Outcome.Failure<FetchResponse>) outcome).cause();
    assertEquals(kind, failure.kind(), failure.getMessage());
    return failure;
  }

  private static void assertAllOk(List<Outcome<FetchResponse>> outcomes) {
    for (Outcome<FetchResponse> outcome : outcomes) {
      assertEquals(200, outcome.getOrThrow().status(), outcome.toString());
    }
  }

  @Test
  void httpsGoesThroughAConnectTunnelAndTlsRunsToTheServer() throws Exception {
    try (TestProxy proxy = TestProxy.start()) {
      String base = "https://localhost:" + https.port();
      assertAllOk(
          fetchAll(through(proxy.url()), base + "/get", base + "/bytes/10", base + "/get?x=1"));
      assertTrue(proxy.count("CONNECT") >= 1, "the proxy opened the tunnel: " + proxy.seen());
      assertTrue(
          proxy.seen().stream()
              .allMatch(
                  seen ->
                      seen.method().equals("CONNECT")
                          && seen.target().equals("localhost:" + https.port())),
          "only tunnels, to the URL's host: " + proxy.seen());
      assertEquals(
          3, https.stats().requests(), "every request went through a tunnel to the server");
    }
  }

  @Test
  void httpGoesToTheProxyInAbsoluteForm() throws Exception {
    try (TestProxy proxy = TestProxy.start()) {
      assertAllOk(fetchAll(through(proxy.url()), url("/get"), url("/anything/a?b=c")));
      assertEquals(
          List.of(
              new TestProxy.Seen("GET", url("/anything/a?b=c"), null),
              new TestProxy.Seen("GET", url("/get"), null)),
          proxy.seen().stream().sorted(Comparator.comparing(TestProxy.Seen::target)).toList());
      assertEquals(2, server.stats().requests());
    }
  }

  @Test
  void theProxysCredentialsGoWithTunnelsAndRequests() throws Exception {
    try (TestProxy proxy = TestProxy.requiringCredentials("proxy user", "p@ss:word")) {
      String withCredentials = "http://proxy%20user:p%40ss%3Aword@127.0.0.1:" + proxy.port();
      assertAllOk(
          fetchAll(
              through(withCredentials), url("/get"), "https://localhost:" + https.port() + "/get"));
      String expected = "Basic " + TestProxy.basic("proxy user", "p@ss:word");
      assertEquals(2, proxy.seen().size(), proxy.seen().toString());
      assertTrue(
          proxy.seen().stream().allMatch(seen -> expected.equals(seen.proxyAuthorization())),
          "Proxy-Authorization on the CONNECT and on the absolute-form request: " + proxy.seen());
    }
  }

  @Test
  void aProxyThatWantsCredentialsIsAProxyErrorWithItsStatus() throws Exception {
    try (TestProxy proxy = TestProxy.requiringCredentials("user", "secret")) {
      List<Outcome<FetchResponse>> outcomes =
          fetchAll(through(proxy.url()), "https://localhost:" + https.port() + "/get", url("/get"));
      FetchFailure tunnel = failure(outcomes.get(0), FetchErrorKind.PROXY);
      assertTrue(
          tunnel.getMessage().contains("refused the tunnel to localhost:" + https.port())
              && tunnel.getMessage().contains("407"),
          tunnel.getMessage());
      FetchFailure request = failure(outcomes.get(1), FetchErrorKind.PROXY);
      assertTrue(
          request.getMessage().contains("refused the request: 407 Proxy Authentication Required"),
          request.getMessage());
      assertEquals(
          0, https.stats().requests() + server.stats().requests(), "nothing reached the servers");
    }
  }

  @Test
  void aRefusedTunnelIsAProxyErrorWithItsStatus() throws Exception {
    try (TestProxy proxy = TestProxy.refusingTunnels(403)) {
      FetchFailure failure =
          failure(
              fetchAll(through(proxy.url()), "https://localhost:" + https.port() + "/get").get(0),
              FetchErrorKind.PROXY);
      assertTrue(failure.getMessage().contains("403"), failure.getMessage());
    }
  }

  @Test
  void anUnreachableProxyIsAProxyErrorNotTheHosts() throws Exception {
    String nowhere = "http://127.0.0.1:" + TestProxy.unusedPort();
    List<Outcome<FetchResponse>> outcomes =
        fetchAll(through(nowhere), url("/get"), "https://localhost:" + https.port() + "/get");
    for (Outcome<FetchResponse> outcome : outcomes) {
      FetchFailure failure = failure(outcome, FetchErrorKind.PROXY);
      assertTrue(
          failure.getMessage().startsWith("proxy " + nowhere + " unreachable"),
          failure.getMessage());
    }
  }

  @Test
  void hostsOnTheNoProxyListGoDirect() throws Exception {
    try (TestProxy proxy = TestProxy.start()) {
      FetchSettings settings = through(proxy.url());
      settings = settings.withProxy(settings.proxy().withNoProxy(List.of("127.0.0.1")));
      assertAllOk(
          fetchAll(
              settings,
              url("/get"),
              "https://127.0.0.1:" + https.port() + "/get",
              "https://localhost:" + https.port() + "/get"));
      assertEquals(
          List.of(new TestProxy.Seen("CONNECT", "localhost:" + https.port(), null)),
          proxy.seen(),
          "127.0.0.1 bypassed the proxy, localhost did not");
    }
  }

  @Test
  void anApplicationsChoiceDecidesPerHost() throws Exception {
    try (TestProxy proxy = TestProxy.start()) {
      ProxyServer server = ProxyServer.parse(proxy.url());
      ProxyChoice onlyLocalhost =
          (scheme, host, port) -> host.equals("localhost") ? Optional.of(server) : Optional.empty();
      FetchSettings settings =
          through(proxy.url()).withProxy(ProxySettings.none().withChoice(onlyLocalhost));
      assertAllOk(
          fetchAll(
              settings,
              "https://127.0.0.1:" + https.port() + "/get",
              "https://localhost:" + https.port() + "/get"));
      assertEquals(1, proxy.seen().size(), proxy.seen().toString());
    }
  }

  @Test
  void aChoiceThatFailsIsAProxyErrorOfItsHost() throws Exception {
    ProxyChoice broken =
        (scheme, host, port) -> {
          throw new IllegalStateException("no PAC file");
        };
    FetchFailure failure =
        failure(
            fetchAll(
                    through(url("/")).withProxy(ProxySettings.none().withChoice(broken)),
                    url("/get"))
                .get(0),
            FetchErrorKind.PROXY);
    assertTrue(failure.getMessage().contains("no PAC file"), failure.getMessage());
    assertEquals(0, server.stats().requests());
  }

  @Test
  void socks5TunnelsBothSchemesWithItsCredentials() throws Exception {
    try (TestProxy proxy = TestProxy.requiringCredentials("user", "secret")) {
      FetchSettings settings = through("socks5h://user:secret@127.0.0.1:" + proxy.port());
      assertAllOk(fetchAll(settings, url("/get"), "https://localhost:" + https.port() + "/get"));
      assertEquals(
          List.of("127.0.0.1:" + server.port(), "localhost:" + https.port()),
          proxy.seen().stream().map(TestProxy.Seen::target).sorted().toList());
      assertTrue(
          proxy.seen().stream()
              .allMatch(
                  seen ->
                      seen.method().equals("SOCKS5")
                          && "user:secret".equals(seen.proxyAuthorization())),
          proxy.seen().toString());

      FetchFailure wrong =
          failure(
              fetchAll(through("socks5://user:wrong@127.0.0.1:" + proxy.port()), url("/get"))
                  .get(0),
              FetchErrorKind.PROXY);
      assertTrue(
          wrong.getMessage().contains("rejected the user name and password"), wrong.getMessage());
      FetchFailure none =
          failure(
              fetchAll(through("socks5://127.0.0.1:" + proxy.port()), url("/get")).get(0),
              FetchErrorKind.PROXY);
      assertTrue(
          none.getMessage().contains("accepts none of the offered authentication methods"),
          none.getMessage());
    }
    try (TestProxy proxy = TestProxy.start()) {
      // The test proxy connects to loopback only: it refuses the rest as SOCKS5's "not allowed".
      FetchFailure refused =
          failure(
              fetchAll(through("socks5://127.0.0.1:" + proxy.port()), "http://192.0.2.1/").get(0),
              FetchErrorKind.PROXY);
      assertTrue(
          refused
              .getMessage()
              .endsWith("refused the tunnel to 192.0.2.1:80: connection not allowed by ruleset"),
          refused.getMessage());
    }
  }

  @Test
  void settingsThatTravelAsConfigFetchAlike() throws Exception {
    TlsIdentity clientCa = TlsIdentity.authority("fetchpipe client CA");
    TlsIdentity client = clientCa.issue("a client");
    TestServer mutual =
        TestServer.start(
                testKit.system(),
                "127.0.0.1",
                0,
                ServerTls.of(CA.issue("localhost")).requiringClientCertificates(clientCa))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    try (TestProxy proxy = TestProxy.requiringCredentials("user", "secret")) {
      FetchSettings original = through("http://user:secret@127.0.0.1:" + proxy.port());
      original =
          original.withTls(
              original.tls().withClientCertificatePem(client.chainPem(), client.privateKeyPem()));
      // What a cluster's node receives: the config, certificates and key as PEM data in it.
      FetchSettings received =
          FetchSettings.create(
              original.toConfig().withFallback(testKit.system().settings().config()));
      assertEquals(original.proxy(), received.proxy());
      assertEquals(original.tls(), received.tls());
      assertAllOk(fetchAll(received, "https://localhost:" + mutual.port() + "/get"));
      assertEquals(1, proxy.count("CONNECT"));
      assertEquals(1, mutual.stats().requests());
    } finally {
      mutual.stop(Duration.ofMillis(200)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
