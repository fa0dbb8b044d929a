package io.fetchpipe.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fetchpipe.http.server.TlsIdentity;
import io.fetchpipe.testing.SettingsContract;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every key: in the table, settable from code, through config and back; the keys the connection
 * settings replaced.
 */
class FetchSettingsTest {
  private static Config withReference(String overrides) {
    return ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  @Test
  void connectionAndNameSettingsTravelThroughConfigUnchanged() {
    FetchSettings settings =
        FetchSettings.create(withReference(""))
            .withMaxIdleConnections(7)
            .withConnectionIdleTimeout(Duration.ofSeconds(3))
            .withCloseGrace(Duration.ofMillis(250))
            .withNameCache(Duration.ofSeconds(40), Duration.ofSeconds(2))
            .withLookupThreads(5);
    FetchSettings back =
        FetchSettings.create(settings.toConfig().withFallback(ConfigFactory.defaultReference()));
    assertEquals(7, back.maxIdleConnections());
    assertEquals(Duration.ofSeconds(3), back.connectionIdleTimeout());
    assertEquals(Duration.ofMillis(250), back.closeGrace());
    assertEquals(Duration.ofSeconds(40), back.nameTtl());
    assertEquals(Duration.ofSeconds(2), back.nameFailureTtl());
    assertEquals(5, back.lookupThreads());
  }

  @SuppressWarnings("deprecation")
  @Test
  void theConnectionPoolKeysAnApplicationStillSetsAreRead() {
    FetchSettings settings =
        FetchSettings.create(
            withReference(
                "fetchpipe.http.connection-pools { max-idle = 12, idle-timeout = 4s, close-grace = 1s }"));
    assertEquals(12, settings.maxIdleConnections());
    assertEquals(Duration.ofSeconds(4), settings.connectionIdleTimeout());
    assertEquals(Duration.ofSeconds(1), settings.closeGrace());
    assertEquals(12, settings.maxIdlePools());
  }

  @Test
  void badValuesAreRefusedNamingTheKey() {
    IllegalArgumentException idle =
        assertThrows(
            IllegalArgumentException.class,
            () -> FetchSettings.create(withReference("fetchpipe.http.connections.max-idle = -1")));
    assertEquals("connections.max-idle must not be negative, got -1", idle.getMessage());
    IllegalArgumentException threads =
        assertThrows(
            IllegalArgumentException.class,
            () -> FetchSettings.create(withReference("fetchpipe.http.names.lookup-threads = 0")));
    assertEquals("names.lookup-threads must be at least 1, got 0", threads.getMessage());
  }

  @Test
  void everyHttpKeyInReferenceConfIsInTheTable() {
    SettingsContract.assertTableListsReferenceKeys(FetchSettings.keys());
  }

  @Test
  void everyHttpKeySetInCodeReadsBackFromToConfig() {
    TlsIdentity ca = TlsIdentity.authority("fetch settings test CA");
    TlsIdentity client = ca.issue("a client");
    FetchSettings changed =
        FetchSettings.defaults()
            .withTimeout(Duration.ofSeconds(3))
            .withMaxBody(1234)
            .withRaiseForStatus(true)
            .withMaxRedirects(4)
            .withRetryStatuses(List.of(500, 429))
            .withUserAgent("a test agent/1.0")
            .withCircuitBreaker(3, Duration.ofSeconds(7))
            .withCompressed(true)
            .withSha256(true)
            .withReadAs(ReadAs.text())
            .withConnectionIdleTimeout(Duration.ofSeconds(2))
            .withMaxIdleConnections(9)
            .withCloseGrace(Duration.ofMillis(120))
            .withNameCache(Duration.ofSeconds(50), Duration.ofSeconds(3))
            .withLookupThreads(2)
            .withResolve(List.of(PinnedAddress.parse("example.com:443:127.0.0.1")))
            .withProxy(
                ProxySettings.defaults()
                    .withHttpProxy(ProxyServer.parse("http://a.proxy:3128"))
                    .withHttpsProxy(ProxyServer.parse("http://b.proxy:3128"))
                    .withNoProxy(List.of("example.org")))
            .withTls(
                TlsSettings.defaults()
                    .withTrustedCertificatesPem(ca.certificatePem())
                    .withInsecure(true)
                    .withClientCertificatePem(client.chainPem(), client.privateKeyPem()))
            .withRobots(true)
            .withRobotsMaxHosts(77);
    // As in ProxySettings and TlsSettings: from-environment is applied when the settings are made,
    // and the client key travels inside the client certificate's PEM.
    SettingsContract.assertRoundTrip(
        FetchSettings.keys(),
        FetchSettings.defaults(),
        changed,
        FetchSettings::toConfig,
        FetchSettings::create,
        Set.of("proxy.from-environment", "tls.client-key"));
  }
}
