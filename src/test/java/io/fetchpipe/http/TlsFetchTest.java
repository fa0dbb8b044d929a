package io.fetchpipe.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.http.server.ServerTls;
import io.fetchpipe.http.server.TestServer;
import io.fetchpipe.http.server.TlsIdentity;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * HTTPS against the embedded server with certificates made in the test: what is trusted and what is
 * not, each failure of the handshake reported as kind {@code tls} with what failed, and mutual TLS
 * with a client certificate.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsFetchTest {
  private static final TlsIdentity CA = TlsIdentity.authority("fetchpipe test CA");

  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private final List<TestServer> servers = new ArrayList<>();

  @AfterEach
  void stopServers() throws Exception {
    for (TestServer server : servers) {
      server.stop(Duration.ofMillis(200)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    servers.clear();
  }

  private TestServer https(ServerTls tls) throws Exception {
    TestServer server =
        TestServer.start(testKit.system(), "127.0.0.1", 0, tls)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    servers.add(server);
    return server;
  }

  private static TlsSettings trustingTheCa() {
    return TlsSettings.defaults().withTrustedCertificatesPem(CA.certificatePem());
  }

  private Outcome<FetchResponse> fetch(TlsSettings tls, String url) throws Exception {
    FetchSettings settings = FetchSettings.create(testKit.system()).withTls(tls);
    try (Fetcher fetcher =
        Fetcher.create(testKit.system(), PoolSettings.create(testKit.system()), settings)) {
      return fetcher.fetchAll(List.of(url)).toCompletableFuture().get(30, TimeUnit.SECONDS).get(0);
    }
  }

  private static FetchFailure tlsFailure(Outcome<FetchResponse> outcome, String reason) {
    assertTrue(outcome instanceof Outcome.Failure, "expected a failure, got " + outcome);
    FetchFailure failure = (FetchFailure) ((Outcome.Failure<FetchResponse>) outcome).cause();
    assertEquals(FetchErrorKind.TLS, failure.kind(), failure.getMessage());
    assertTrue(
        failure.getMessage().startsWith(reason), "'" + reason + "' in: " + failure.getMessage());
    assertEquals(1, failure.attempts(), "the handshake was one attempt");
    return failure;
  }

  @Test
  void aCertificateOfAnUnknownAuthorityIsUntrusted() throws Exception {
    TestServer server = https(ServerTls.of(CA.issue("localhost", "127.0.0.1")));
    tlsFailure(fetch(TlsSettings.defaults(), server.address() + "/get"), "untrusted certificate");
    assertEquals(0, server.stats().requests(), "no request reaches a server that is not trusted");
  }

  @Test
  void theAuthorityGivenAsCaCertificatesIsTrusted() throws Exception {
    TestServer server = https(ServerTls.of(CA.issue("localhost", "127.0.0.1")));
    assertEquals(200, fetch(trustingTheCa(), server.address() + "/get").getOrThrow().status());
    assertEquals(
        200,
        fetch(trustingTheCa(), "https://localhost:" + server.port() + "/get")
            .getOrThrow()
            .status());
    assertEquals(2, server.stats().requests());
  }

  @Test
  void insecureAcceptsAnUnknownAuthorityAndAnyHostName() throws Exception {
    TestServer server = https(ServerTls.of(CA.issue("elsewhere.example")));
    assertEquals(
        200,
        fetch(TlsSettings.defaults().withInsecure(true), server.address() + "/get")
            .getOrThrow()
            .status());
  }

  @Test
  void aCertificateForAnotherNameIsAHostNameMismatch() throws Exception {
    TestServer server = https(ServerTls.of(CA.issue("localhost")));
    FetchFailure failure =
        tlsFailure(fetch(trustingTheCa(), server.address() + "/get"), "host name mismatch");
    assertTrue(failure.getMessage().contains("127.0.0.1"), failure.getMessage());
    assertEquals(
        200,
        fetch(trustingTheCa(), "https://localhost:" + server.port() + "/get").getOrThrow().status(),
        "the name it was issued for matches");
  }

  @Test
  void anExpiredCertificateSaysSo() throws Exception {
    Instant now = Instant.now();
    TestServer server =
        https(
            ServerTls.of(
                CA.issue(
                    now.minus(Duration.ofDays(10)),
                    now.minus(Duration.ofDays(1)),
                    "localhost",
                    "127.0.0.1")));
    FetchFailure failure =
        tlsFailure(fetch(trustingTheCa(), server.address() + "/get"), "certificate expired");
    assertTrue(
        failure.getMessage().contains("NotAfter"),
        "the message says when: " + failure.getMessage());
  }

  @Test
  void aServerThatRequiresAClientCertificateGetsTheOneGivenAndRefusesNone() throws Exception {
    TlsIdentity clientCa = TlsIdentity.authority("fetchpipe client CA");
    TlsIdentity client = clientCa.issue("a client");
    TestServer server =
        https(
            ServerTls.of(CA.issue("localhost", "127.0.0.1")).requiringClientCertificates(clientCa));
    String url = server.address() + "/get";

    tlsFailure(fetch(trustingTheCa(), url), "client certificate refused or missing");
    TlsSettings withCertificate =
        trustingTheCa().withClientCertificatePem(client.chainPem(), client.privateKeyPem());
    assertEquals(200, fetch(withCertificate, url).getOrThrow().status());
    assertEquals(1, server.stats().requests(), "only the request with a certificate got through");

    TlsIdentity stranger = TlsIdentity.authority("another CA").issue("a stranger");
    tlsFailure(
        fetch(
            trustingTheCa().withClientCertificatePem(stranger.chainPem(), stranger.privateKeyPem()),
            url),
        "client certificate refused or missing");
  }

  @Test
  void anApplicationsOwnSslContextIsUsedAndHostNamesAreStillChecked() throws Exception {
    SSLContext own = SSLContext.getInstance("TLS");
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    KeyStore anchors = KeyStore.getInstance("PKCS12");
    anchors.load(null, null);
    anchors.setCertificateEntry("ca", CA.certificate());
    trust.init(anchors);
    own.init(null, trust.getTrustManagers(), null);
    TestServer server = https(ServerTls.of(CA.issue("localhost")));
    TlsSettings ownContext = TlsSettings.defaults().withSslContext(own);
    assertEquals(
        200,
        fetch(ownContext, "https://localhost:" + server.port() + "/get").getOrThrow().status());
    tlsFailure(fetch(ownContext, server.address() + "/get"), "host name mismatch");
  }

  @Test
  void oneFetcherKeepsOneConnectionPoolPerHostForAllItsHttpsRequests() throws Exception {
    TestServer server = https(ServerTls.of(CA.issue("localhost", "127.0.0.1")));
    FetchSettings settings = FetchSettings.create(testKit.system()).withTls(trustingTheCa());
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      urls.add(server.address() + "/get?n=" + i);
    }
    try (Fetcher fetcher =
        Fetcher.create(testKit.system(), PoolSettings.create(testKit.system()), settings)) {
      List<Outcome<FetchResponse>> outcomes =
          fetcher.fetchAll(urls).toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertTrue(outcomes.stream().allMatch(Outcome::isSuccess), outcomes.toString());
      assertEquals(
          1,
          fetcher.openConnectionPools(),
          "one TLS context for the fetcher: one pool for the host");
    }
    assertEquals(20, server.stats().requests());
  }

  @Test
  void aServerThatAnswersInPlainTextSaysSo() throws Exception {
    TestServer plain =
        TestServer.start(testKit.system()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    servers.add(plain);
    tlsFailure(
        fetch(TlsSettings.defaults(), "https://127.0.0.1:" + plain.port() + "/get"),
        "the server does not speak TLS");
  }

  @Test
  void aServerWithNoProtocolInCommonSaysSo() throws Exception {
    // A peer that answers every ClientHello with TLS's fatal alert protocol_version (70): what a
    // server that speaks none of the client's protocol versions sends.
    try (ServerSocket peer = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Thread answering =
          new Thread(
              () -> {
                try (Socket client = peer.accept()) {
                  InputStream in = client.getInputStream();
                  in.readNBytes(5); // the record header of the ClientHello
                  OutputStream out = client.getOutputStream();
                  out.write(new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 70});
                  out.flush();
                  in.read(); // until the client closes
                } catch (Exception e) {
                  // the test sees the client's side
                }
              },
              "protocol-version-peer");
      answering.setDaemon(true);
      answering.start();
      tlsFailure(
          fetch(trustingTheCa(), "https://127.0.0.1:" + peer.getLocalPort() + "/get"),
          "no common protocol");
      answering.join(10_000);
    }
  }
}
