package io.fetchpipe.http.server;

import io.fetchpipe.http.internal.Pem;
import io.fetchpipe.http.internal.X509Maker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;

/**
 * A TLS identity made on the spot, for tests that must not depend on files or a network: an EC
 * (P-256) key pair and its certificate chain, either self-signed or issued by a certificate
 * authority made the same way. Certificates carry the given names (DNS names and IP addresses) as
 * subject alternative names, so host-name checks pass for exactly those.
 *
 * <pre>{@code
 * TlsIdentity ca = TlsIdentity.authority("Test CA");
 * TlsIdentity server = ca.issue("localhost", "127.0.0.1");  // for ServerTls.of(server)
 * TlsIdentity client = ca.issue("client");                   // for mutual TLS
 * FetchSettings trusting = settings.withTls(TlsSettings.defaults().withTrustedCertificatesPem(ca.certificatePem()));
 * }</pre>
 */
public final class TlsIdentity {
  private static final Duration DEFAULT_VALIDITY = Duration.ofDays(30);

  private final PrivateKey privateKey;
  private final List<X509Certificate> chain;
  private final String commonName;

  private TlsIdentity(PrivateKey privateKey, List<X509Certificate> chain, String commonName) {
    this.privateKey = privateKey;
    this.chain = List.copyOf(chain);
    this.commonName = commonName;
  }

  /**
   * A self-signed certificate for {@code names} (e.g. {@code localhost}, {@code 127.0.0.1}), valid
   * from a minute ago for 30 days. It may also sign (it is its own authority), so clients that
   * insist on trusting only authorities (OpenSSL's) trust it too.
   */
  public static TlsIdentity selfSigned(String... names) {
    KeyPair keys = newKeyPair();
    Instant now = Instant.now();
    String subject = names.length > 0 ? names[0] : "fetchpipe test";
    X509Certificate certificate =
        X509Maker.make(
            subject,
            List.of(names),
            now.minus(Duration.ofMinutes(1)),
            now.plus(DEFAULT_VALIDITY),
            true,
            keys.getPublic(),
            subject,
            keys.getPrivate());
    return new TlsIdentity(keys.getPrivate(), List.of(certificate), subject);
  }

  /** A certificate authority named {@code commonName}, valid from a minute ago for 30 days. */
  public static TlsIdentity authority(String commonName) {
    KeyPair keys = newKeyPair();
    Instant now = Instant.now();
    X509Certificate certificate =
        X509Maker.make(
            commonName,
            List.of(),
            now.minus(Duration.ofMinutes(1)),
            now.plus(DEFAULT_VALIDITY),
            true,
            keys.getPublic(),
            commonName,
            keys.getPrivate());
    return new TlsIdentity(keys.getPrivate(), List.of(certificate), commonName);
  }

  /**
   * A certificate for {@code names} issued by this authority, valid from a minute ago for 30 days;
   * its chain is the new certificate, then this one's.
   */
  public TlsIdentity issue(String... names) {
    Instant now = Instant.now();
    return issue(now.minus(Duration.ofMinutes(1)), now.plus(DEFAULT_VALIDITY), names);
  }

  /**
   * A certificate for {@code names} issued by this authority, valid between the two instants (in
   * the past, for a test of an expired certificate).
   */
  public TlsIdentity issue(Instant notBefore, Instant notAfter, String... names) {
    KeyPair keys = newKeyPair();
    String subject = names.length > 0 ? names[0] : "fetchpipe test";
    X509Certificate certificate =
        X509Maker.make(
            subject,
            List.of(names),
            notBefore,
            notAfter,
            false,
            keys.getPublic(),
            commonName,
            privateKey);
    List<X509Certificate> issued = new ArrayList<>();
    issued.add(certificate);
    issued.addAll(chain);
    return new TlsIdentity(keys.getPrivate(), issued, subject);
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot make EC P-256 keys: " + e.getMessage(), e);
    }
  }

  /** The certificate. */
  public X509Certificate certificate() {
    return chain.get(0);
  }

  /** The certificate, then its issuers' (a self-signed one alone). */
  public List<X509Certificate> chain() {
    return chain;
  }

  /** The private key. */
  public PrivateKey privateKey() {
    return privateKey;
  }

  /**
   * The certificate as PEM: what a client trusts ({@code fetch --cacert}) when this is self-signed
   * or a CA.
   */
  public String certificatePem() {
    return Pem.certificates(List.of(certificate()));
  }

  /** The whole chain as PEM, the certificate first: what a client offers ({@code fetch --cert}). */
  public String chainPem() {
    return Pem.certificates(chain);
  }

  /** The private key as unencrypted PKCS#8 PEM ({@code fetch --key}). */
  public String privateKeyPem() {
    return Pem.privateKey(privateKey);
  }

  /** Writes {@link #certificatePem()} to {@code file}. */
  public void writeCertificatePem(Path file) throws IOException {
    Files.writeString(file, certificatePem(), StandardCharsets.US_ASCII);
  }

  /** Key managers that present this identity (for an {@code SSLContext} of one's own). */
  public KeyManager[] keyManagers() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] password = "fetchpipe".toCharArray();
      store.setKeyEntry("identity", privateKey, password, chain.toArray(X509Certificate[]::new));
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, password);
      return factory.getKeyManagers();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(
          "cannot hold the key of " + commonName + ": " + e.getMessage(), e);
    }
  }

  /** The certificate's subject name. */
  @Override
  public String toString() {
    return "TlsIdentity(" + certificate().getSubjectX500Principal().getName() + ")";
  }
}
