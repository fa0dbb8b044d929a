package io.fetchpipe.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.fetchpipe.http.internal.X509Maker;
import io.fetchpipe.http.server.TlsIdentity;
import io.fetchpipe.testing.SettingsContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates and keys read from PEM the way OpenSSL writes them, the errors that say what is
 * wrong with a file, and the settings' way through config with their PEM data.
 */
class TlsSettingsTest {
  private static final TlsIdentity CA = TlsIdentity.authority("settings test CA");
  private static final TlsIdentity CLIENT = CA.issue("a client");

  @TempDir Path dir;

  @Test
  void aBundleWithTextAroundItsCertificatesIsReadWhole() {
    TlsIdentity other = TlsIdentity.authority("another CA");
    String bundle =
        "# the company's CAs\n" + CA.certificatePem() + "\nsome comment\n" + other.certificatePem();
    assertEquals(
        List.of(CA.certificate(), other.certificate()),
        TlsSettings.defaults().withTrustedCertificatesPem(bundle).trustedCertificates());
  }

  @Test
  void aClientChainAndItsPkcs8EcKeyAreRead() {
    TlsSettings settings =
        TlsSettings.defaults().withClientCertificatePem(CLIENT.chainPem(), CLIENT.privateKeyPem());
    assertEquals(CLIENT.chain(), settings.clientCertificates());
    assertEquals(CLIENT.privateKey(), settings.clientKey().orElseThrow());
  }

  @Test
  void aPkcs8RsaKeyIsRead() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair rsa = generator.generateKeyPair();
    Instant now = Instant.now();
    String certificate =
        "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder()
                .encodeToString(
                    X509Maker.make(
                            "rsa client",
                            List.of(),
                            now,
                            now.plus(Duration.ofDays(1)),
                            false,
                            rsa.getPublic(),
                            "settings test CA",
                            CA.privateKey())
                        .getEncoded())
            + "\n-----END CERTIFICATE-----\n";
    String key =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(rsa.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    assertEquals(
        rsa.getPrivate(),
        TlsSettings.defaults()
            .withClientCertificatePem(certificate, key)
            .clientKey()
            .orElseThrow());
  }

  @Test
  void filesThatOpenSslWritesAreRead() throws Exception {
    assumeTrue(openssl("version") == 0, "openssl is not installed here");
    // A PKCS#1 RSA key (-traditional) with its certificate, and a PKCS#8 EC key with its
    // certificate.
    assertEquals(
        0,
        openssl(
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "rsa.key",
            "-out",
            "rsa.pem",
            "-subj",
            "/CN=rsa",
            "-days",
            "1"));
    assertEquals(0, openssl("rsa", "-in", "rsa.key", "-traditional", "-out", "rsa1.key"));
    assertTrue(Files.readString(dir.resolve("rsa1.key")).contains("BEGIN RSA PRIVATE KEY"));
    assertEquals(
        0,
        openssl(
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "ec.key",
            "-out",
            "ec.pem",
            "-subj",
            "/CN=ec",
            "-days",
            "1"));
    for (String[] pair :
        new String[][] {{"rsa.pem", "rsa.key"}, {"rsa.pem", "rsa1.key"}, {"ec.pem", "ec.key"}}) {
      TlsSettings settings =
          TlsSettings.defaults().withClientCertificate(dir.resolve(pair[0]), dir.resolve(pair[1]));
      assertEquals(1, settings.clientCertificates().size(), String.join(" ", pair));
    }
    assertEquals(0, openssl("ec", "-in", "ec.key", "-out", "sec1.key"));
    IllegalArgumentException sec1 =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                TlsSettings.defaults()
                    .withClientCertificate(dir.resolve("ec.pem"), dir.resolve("sec1.key")));
    assertTrue(sec1.getMessage().contains("openssl pkcs8 -topk8 -nocrypt"), sec1.getMessage());
  }

  private int openssl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("openssl.log").toFile())
              .start();
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "openssl " + String.join(" ", args));
      return process.exitValue();
    } catch (IOException notInstalled) {
      return -1;
    }
  }

  @Test
  void whatIsWrongWithAFileIsSaid() throws Exception {
    Path text = Files.writeString(dir.resolve("text.pem"), "hello\n");
    assertMessage(
        "no such file",
        () -> TlsSettings.defaults().withTrustedCertificates(dir.resolve("missing.pem")));
    assertMessage(
        "no certificate in it", () -> TlsSettings.defaults().withTrustedCertificates(text));
    assertMessage(
        "no private key in it",
        () ->
            TlsSettings.defaults().withClientCertificatePem(CLIENT.chainPem(), CLIENT.chainPem()));
    assertMessage(
        "encrypted",
        () ->
            TlsSettings.defaults()
                .withClientCertificatePem(
                    CLIENT.chainPem(),
                    "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAQID\n-----END ENCRYPTED PRIVATE KEY-----\n"));
    assertMessage(
        "does not belong to the certificate",
        () ->
            TlsSettings.defaults().withClientCertificatePem(CLIENT.chainPem(), CA.privateKeyPem()));
    assertMessage(
        "not an X.509 certificate",
        () ->
            TlsSettings.defaults()
                .withTrustedCertificatesPem(
                    "-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE-----\n"));
  }

  private static void assertMessage(String expected, Executable executable) {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, executable);
    assertTrue(error.getMessage().contains(expected), error.getMessage());
  }

  @Test
  void theConfigurationTakesPathsOrPemAndWritesPemBack() throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), CA.certificatePem());
    TlsSettings configured =
        TlsSettings.create(
            ConfigFactory.empty()
                .withValue(
                    "fetchpipe.http.tls.ca-certificates",
                    ConfigValueFactory.fromAnyRef(ca.toString()))
                .withValue(
                    "fetchpipe.http.tls.client-certificate",
                    ConfigValueFactory.fromAnyRef(CLIENT.chainPem()))
                .withValue(
                    "fetchpipe.http.tls.client-key",
                    ConfigValueFactory.fromAnyRef(CLIENT.privateKeyPem()))
                .withFallback(ConfigFactory.defaultReference()));
    assertEquals(List.of(CA.certificate()), configured.trustedCertificates());
    assertEquals(CLIENT.privateKey(), configured.clientKey().orElseThrow());
    TlsSettings received =
        TlsSettings.create(configured.toConfig().withFallback(ConfigFactory.defaultReference()));
    assertEquals(configured, received, "what a cluster's node reads needs no file");
    assertEquals(CLIENT.privateKey(), received.clientKey().orElseThrow());
    assertEquals(TlsSettings.defaults(), TlsSettings.create(ConfigFactory.defaultReference()));
  }

  @Test
  void everyTlsKeyInReferenceConfIsInTheTable() {
    SettingsContract.assertTableListsReferenceKeys(TlsSettings.keys());
  }

  @Test
  void everyTlsKeySetInCodeReadsBackFromToConfig() {
    TlsSettings changed =
        TlsSettings.defaults()
            .withTrustedCertificatesPem(CA.certificatePem())
            .withInsecure(true)
            .withClientCertificatePem(CLIENT.chainPem(), CLIENT.privateKeyPem());
    // client-key travels inside client-certificate's PEM, so it is written empty.
    SettingsContract.assertRoundTrip(
        TlsSettings.keys(),
        TlsSettings.defaults(),
        changed,
        TlsSettings::toConfig,
        TlsSettings::create,
        Set.of("client-key"));
    assertEquals(
        CLIENT.privateKey(), TlsSettings.create(changed.toConfig()).clientKey().orElseThrow());
  }

  @Test
  void anApplicationsSslContextCannotTravelAsConfig() throws Exception {
    TlsSettings own = TlsSettings.defaults().withSslContext(SSLContext.getDefault());
    assertThrows(IllegalStateException.class, own::toConfig);
    assertThrows(
        IllegalStateException.class,
        () -> TlsSettings.keys().writeSection(own),
        "nor as a section of the fetch settings");
  }
}
