package io.fetchpipe.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.Fetcher;
import io.fetchpipe.http.ProxyServer;
import io.fetchpipe.http.ProxySettings;
import io.fetchpipe.http.TlsSettings;
import io.fetchpipe.http.server.ServerTls;
import io.fetchpipe.http.server.TestServer;
import io.fetchpipe.http.server.TlsIdentity;
import io.fetchpipe.testing.TestProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The settings example of docs/networks.md: a company's proxy, its CA and a client certificate,
 * made on the spot, with a test proxy and an HTTPS server that requires the certificate.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetworksExamplesTest {
  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  // docs/networks.md: proxy and certificates begins
  /** Through the company's proxy (but not to its own hosts), trusting its CA, showing my certificate. */
  static Fetcher corporateFetcher(ActorSystem<?> system, String proxy, Path pem) {
    FetchSettings settings = FetchSettings.create(system)
        .withProxy(ProxySettings.none()
            .withProxy(ProxyServer.parse(proxy))                  // e.g. "http://proxy.corp.example:3128"
            .withNoProxy(List.of(".corp.example", "10.0.0.0/8")))
        .withTls(TlsSettings.defaults()
            .withTrustedCertificates(pem.resolve("corp-ca.pem"))
            .withClientCertificate(pem.resolve("me.pem"), pem.resolve("me.key")));
    return Fetcher.create(system, PoolSettings.create(system), settings);
  }
  // docs/networks.md: proxy and certificates ends

  @Test
  void theFetcherTunnelsThroughTheProxyTrustsTheCaAndShowsItsCertificate(@TempDir Path pem)
      throws Exception {
    TlsIdentity corporateCa = TlsIdentity.authority("corp CA");
    TlsIdentity me = corporateCa.issue("me");
    corporateCa.writeCertificatePem(pem.resolve("corp-ca.pem"));
    Files.writeString(pem.resolve("me.pem"), me.chainPem());
    Files.writeString(pem.resolve("me.key"), me.privateKeyPem());
    ServerTls requiringMe =
        ServerTls.of(corporateCa.issue("localhost")).requiringClientCertificates(corporateCa);
    TestServer server =
        TestServer.start(testKit.system(), "127.0.0.1", 0, requiringMe)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    try (TestProxy proxy = TestProxy.start();
        Fetcher fetcher = corporateFetcher(testKit.system(), proxy.url(), pem)) {
      String url = "https://localhost:" + server.port() + "/get";

      FetchResponse response = fetcher.fetch(url).toCompletableFuture().get(30, TimeUnit.SECONDS);

      assertEquals(
          200,
          response.status(),
          "the server trusted by the CA's certificate, my certificate accepted");
      assertEquals(1, server.stats().requests());
      assertEquals(
          List.of(new TestProxy.Seen("CONNECT", "localhost:" + server.port(), null)),
          proxy.seen(),
          "through a tunnel of the proxy");
      ProxySettings proxies = fetcher.fetchSettings().proxy();
      assertEquals(
          Optional.of(ProxyServer.parse(proxy.url())),
          proxies.proxyFor("https", "api.example", 443));
      assertTrue(
          proxies.proxyFor("https", "wiki.corp.example", 443).isEmpty(),
          "the company's hosts go direct");
      assertTrue(proxies.proxyFor("http", "10.1.2.3", 80).isEmpty(), "so does its network");
    } finally {
      server.stop(Duration.ofMillis(200)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
