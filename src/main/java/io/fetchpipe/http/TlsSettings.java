package io.fetchpipe.http;

import com.typesafe.config.Config;
import io.fetchpipe.core.internal.SettingKey;
import io.fetchpipe.core.internal.SettingsTable;
import io.fetchpipe.http.internal.Pem;
import io.fetchpipe.http.internal.TlsContexts;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * How a fetcher's TLS connections decide whom to trust and who they are: curl's {@code --cacert},
 * {@code -k} and {@code --cert}/{@code --key}. By default the JDK's trust store decides and no
 * client certificate is offered. Defaults come from {@code fetchpipe.http.tls} in {@code
 * reference.conf}; the {@code withX} methods return changed copies.
 *
 * <p>Certificates and keys are read when the settings are made (a file that cannot be read, or
 * holds no certificate or key, fails then, not at the first request) and kept as data: their PEM
 * text is what {@link #toConfig()} writes, so the other nodes of a cluster fetch with them without
 * having the files. An application with its own {@link SSLContext} gives it with {@link
 * #withSslContext}; a fetcher makes one TLS context from these settings and uses it for all its
 * connections.
 */
public final class TlsSettings {
  private static final TlsSettings DEFAULTS =
      new TlsSettings("", List.of(), false, "", List.of(), null, null);
  private static final SettingKey<TlsSettings, String> CA_CERTIFICATES =
      SettingKey.of(
          "ca-certificates", TlsSettings::entry, text -> text, settings -> settings.trustedPem);
  private static final SettingKey<TlsSettings, Boolean> INSECURE =
      SettingKey.ofBoolean("insecure", TlsSettings::insecure);
  // The client certificate's PEM carries its key too: client-key is read, and written empty.
  private static final SettingKey<TlsSettings, String> CLIENT_CERTIFICATE =
      SettingKey.of(
          "client-certificate", TlsSettings::entry, text -> text, settings -> settings.clientPem);
  private static final SettingKey<TlsSettings, String> CLIENT_KEY =
      SettingKey.of("client-key", TlsSettings::entry, text -> text, settings -> "");
  private static final SettingsTable<TlsSettings> KEYS =
      SettingsTable.of(
              "fetchpipe.http.tls",
              TlsSettings::fromValues,
              CA_CERTIFICATES,
              INSECURE,
              CLIENT_CERTIFICATE,
              CLIENT_KEY)
          .checkingWrites(TlsSettings::describable);

  private final String trustedPem;
  private final List<X509Certificate> trusted;
  private final boolean insecure;
  private final String clientPem;
  private final List<X509Certificate> clientChain;
  private final PrivateKey clientKey;
  private final SSLContext sslContext;

  private TlsSettings(
      String trustedPem,
      List<X509Certificate> trusted,
      boolean insecure,
      String clientPem,
      List<X509Certificate> clientChain,
      PrivateKey clientKey,
      SSLContext sslContext) {
    this.trustedPem = trustedPem;
    this.trusted = List.copyOf(trusted);
    this.insecure = insecure;
    this.clientPem = clientPem;
    this.clientChain = List.copyOf(clientChain);
    this.clientKey = clientKey;
    this.sslContext = sslContext;
  }

  /** The JDK's trust store, host names checked, no client certificate. */
  public static TlsSettings defaults() {
    return DEFAULTS;
  }

  /**
   * Reads {@code fetchpipe.http.tls} from a full config. Each certificate or key entry is a PEM
   * file's path or the PEM text itself.
   *
   * @throws IllegalArgumentException naming the key whose file or text cannot be read
   */
  public static TlsSettings create(Config root) {
    return KEYS.read(root);
  }

  /** Reads {@code fetchpipe.http.tls} from the system's config, as {@link #create(Config)}. */
  public static TlsSettings create(ActorSystem<?> system) {
    return create(system.settings().config());
  }

  private static TlsSettings fromValues(SettingsTable.Values<TlsSettings> v) {
    TlsSettings settings = DEFAULTS.withInsecure(v.get(INSECURE));
    String trusted = v.get(CA_CERTIFICATES);
    if (!trusted.isBlank()) {
      settings = settings.withTrustedCertificatesPem(trusted);
    }
    String chainPem = v.get(CLIENT_CERTIFICATE);
    String key = v.get(CLIENT_KEY);
    if (!chainPem.isBlank()) {
      settings = settings.withClientCertificatePem(chainPem, key.isBlank() ? chainPem : key);
    } else if (!key.isBlank()) {
      throw new IllegalArgumentException("tls.client-key is set without tls.client-certificate");
    }
    return settings;
  }

  /** The PEM text of a key that holds a PEM file's path or the text itself; "" when empty. */
  private static String entry(Config section, String key) {
    String pathOrPem = section.getString(key);
    if (pathOrPem.isBlank()) {
      return "";
    }
    try {
      return Pem.textOf(pathOrPem);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("tls." + key + ": " + e.getMessage(), e);
    }
  }

  /**
   * A copy that trusts the CA certificates of this PEM file instead of the JDK's trust store.
   *
   * @throws IllegalArgumentException when the file cannot be read or holds no certificate
   */
  public TlsSettings withTrustedCertificates(Path pemFile) {
    return withTrustedCertificatesPem(Pem.read(pemFile));
  }

  /**
   * A copy that trusts the CA certificates of this PEM text instead of the JDK's trust store.
   *
   * @throws IllegalArgumentException when the text holds no certificate, or one cannot be read
   */
  public TlsSettings withTrustedCertificatesPem(String pem) {
    List<X509Certificate> certificates = Pem.certificates(pem);
    return new TlsSettings(
        Pem.certificates(certificates),
        certificates,
        insecure,
        clientPem,
        clientChain,
        clientKey,
        sslContext);
  }

  /** A copy that trusts the JDK's trust store again. */
  public TlsSettings withDefaultTrust() {
    return new TlsSettings("", List.of(), insecure, clientPem, clientChain, clientKey, sslContext);
  }

  /**
   * A copy that accepts any server certificate and any host name ({@code true}), as curl's {@code
   * -k}: for tests and trusted networks only, since anyone in between can read and change the
   * traffic.
   */
  public TlsSettings withInsecure(boolean value) {
    return new TlsSettings(
        trustedPem, trusted, value, clientPem, clientChain, clientKey, sslContext);
  }

  /**
   * A copy that offers this client certificate chain (the certificate first) with its private key
   * to servers that ask for one: PEM files, the key PKCS#8 unencrypted ({@code BEGIN PRIVATE KEY};
   * a PKCS#1 RSA key also works).
   *
   * @param keyFile the key's file, or null when it is in {@code certificateFile} too
   * @throws IllegalArgumentException when a file cannot be read, holds no certificate or key, or
   *     the key does not belong to the certificate
   */
  public TlsSettings withClientCertificate(Path certificateFile, Path keyFile) {
    String chain = Pem.read(certificateFile);
    return withClientCertificatePem(chain, keyFile == null ? chain : Pem.read(keyFile));
  }

  /**
   * A copy that offers this client certificate chain (PEM text, the certificate first) with its
   * private key (PEM text).
   *
   * @throws IllegalArgumentException when the texts hold no certificate or key, or the key does not
   *     belong to the certificate
   */
  public TlsSettings withClientCertificatePem(String chainPem, String keyPem) {
    List<X509Certificate> chain = Pem.certificates(chainPem);
    PrivateKey key =
        Pem.privateKey(keyPem)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "no private key in it (expected -----BEGIN PRIVATE KEY-----)"));
    TlsContexts.checkKeyMatches(chain.get(0), key);
    return new TlsSettings(
        trustedPem,
        trusted,
        insecure,
        Pem.certificates(chain) + Pem.privateKey(key),
        chain,
        key,
        sslContext);
  }

  /** A copy that offers no client certificate. */
  public TlsSettings withoutClientCertificate() {
    return new TlsSettings(trustedPem, trusted, insecure, "", List.of(), null, sslContext);
  }

  /**
   * A copy whose connections use the application's own {@code context} (its trust, its client key)
   * instead of the trust and client certificate above; host names are still checked unless {@link
   * #withInsecure insecure}. Such settings cannot travel to a cluster's other nodes: {@link
   * #toConfig()} refuses them.
   */
  public TlsSettings withSslContext(SSLContext context) {
    return new TlsSettings(
        trustedPem,
        trusted,
        insecure,
        clientPem,
        clientChain,
        clientKey,
        Objects.requireNonNull(context, "context"));
  }

  /** The CA certificates trusted instead of the JDK's trust store; empty: the JDK's. */
  public List<X509Certificate> trustedCertificates() {
    return trusted;
  }

  /** Whether any server certificate and host name is accepted. */
  public boolean insecure() {
    return insecure;
  }

  /** The client certificate chain offered, the certificate first; empty: none. */
  public List<X509Certificate> clientCertificates() {
    return clientChain;
  }

  /** The client certificate's private key, if one is offered. */
  public Optional<PrivateKey> clientKey() {
    return Optional.ofNullable(clientKey);
  }

  /** The application's own TLS context, if it gave one. */
  public Optional<SSLContext> sslContext() {
    return Optional.ofNullable(sslContext);
  }

  /**
   * These settings as the {@code fetchpipe.http.tls} section of a config, certificates and key as
   * PEM text, which {@link #create(Config)} reads back: how they travel to the other nodes of a
   * cluster (the client key with them: encrypt the cluster's traffic where others can see it).
   *
   * @throws IllegalStateException when an application's own {@link SSLContext} is in use, which
   *     config cannot describe
   */
  public Config toConfig() {
    return KEYS.write(this);
  }

  private static void describable(TlsSettings settings) {
    if (settings.sslContext != null) {
      throw new IllegalStateException(
          "an SSLContext cannot be described in config, so cannot travel to other nodes");
    }
  }

  /** The table of keys behind reading and writing. */
  static SettingsTable<TlsSettings> keys() {
    return KEYS;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TlsSettings that
        && trustedPem.equals(that.trustedPem)
        && insecure == that.insecure
        && clientPem.equals(that.clientPem)
        && Objects.equals(sslContext, that.sslContext);
  }

  @Override
  public int hashCode() {
    return Objects.hash(trustedPem, insecure, clientPem, sslContext);
  }

  /** What is trusted and offered, without the key. */
  @Override
  public String toString() {
    String client =
        clientChain.isEmpty() ? "none" : clientChain.get(0).getSubjectX500Principal().getName();
    return "TlsSettings(trusted="
        + (trusted.isEmpty() ? "the JDK's" : trusted.size() + " certificates")
        + ", insecure="
        + insecure
        + ", client certificate="
        + client
        + (sslContext != null ? ", own SSLContext" : "")
        + ")";
  }
}
