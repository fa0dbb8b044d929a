package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.http.TlsSettings;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;

/**
 * Builds a fetcher's TLS context from its {@link TlsSettings}: trust (the JDK's store, the given CA
 * certificates, or anything with {@code insecure}), the client certificate offered, and host-name
 * checking (on unless insecure). A fetcher builds one and uses it for every connection: Pekko HTTP
 * keys its pools by their connection context, so a context made per request would start a pool per
 * request.
 */
@InternalApi
public final class TlsContexts {
  private static final String CLIENT_ALIAS = "client";

  private TlsContexts() {}

  /** The connection context of {@code settings}, with host names checked unless insecure. */
  public static HttpsConnectionContext httpsContext(TlsSettings settings) {
    SSLContext context = settings.sslContext().orElseGet(() -> sslContext(settings));
    if (!settings.insecure()) {
      return ConnectionContext.httpsClient(context); // Pekko turns on the "https" host-name check
    }
    return ConnectionContext.httpsClient(
        (host, port) -> {
          SSLEngine engine = context.createSSLEngine(host, port); // the host still goes out as SNI
          engine.setUseClientMode(true);
          return engine;
        });
  }

  /** A TLS context with the trust and client certificate of {@code settings}. */
  public static SSLContext sslContext(TlsSettings settings) {
    try {
      TrustManager[] trust =
          settings.insecure()
              ? new TrustManager[] {new TrustingAnything()}
              : settings.trustedCertificates().isEmpty()
                  ? null
                  : trustManagers(settings.trustedCertificates());
      KeyManager[] keys =
          settings
              .clientKey()
              .map(key -> new KeyManager[] {new OneClientKey(key, settings.clientCertificates())})
              .orElse(null);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust, new SecureRandom());
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a TLS context: " + e.getMessage(), e);
    }
  }

  /** Trust managers that trust exactly these certificates as anchors. */
  public static TrustManager[] trustManagers(List<X509Certificate> anchors)
      throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start an empty key store", e);
    }
    for (int i = 0; i < anchors.size(); i++) {
      store.setCertificateEntry("ca-" + i, anchors.get(i));
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory.getTrustManagers();
  }

  /**
   * Checks that {@code key} is the private key of {@code certificate}, by signing with one and
   * verifying with the other: a mismatch would otherwise show only as a failed handshake.
   *
   * @throws IllegalArgumentException when it is not
   */
  public static void checkKeyMatches(X509Certificate certificate, PrivateKey key) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "DSA" -> "SHA256withDSA";
          case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
          default -> null; // e.g. RSASSA-PSS needs parameters: left to the handshake
        };
    if (algorithm == null) {
      return;
    }
    byte[] probe = "fetchpipe key check".getBytes(StandardCharsets.US_ASCII);
    boolean matches;
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      matches = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      matches = false;
    }
    if (!matches) {
      throw new IllegalArgumentException(
          "the private key does not belong to the certificate "
              + certificate.getSubjectX500Principal().getName());
    }
  }

  /**
   * Offers its one certificate to every server that asks, as curl does, whatever authorities the
   * server names (the JDK's own key managers would offer nothing unless the server named the
   * certificate's issuer); the server then decides.
   */
  private static final class OneClientKey extends X509ExtendedKeyManager {
    private final PrivateKey key;
    private final X509Certificate[] chain;

    OneClientKey(PrivateKey key, List<X509Certificate> chain) {
      this.key = key;
      this.chain = chain.toArray(X509Certificate[]::new);
    }

    private String alias(String[] keyTypes) {
      for (String keyType : keyTypes) {
        if (keyType.equals(key.getAlgorithm())
            || (keyType.equals("EdDSA") && key.getAlgorithm().startsWith("Ed"))) {
          return CLIENT_ALIAS;
        }
      }
      return null;
    }

    @Override
    public String chooseEngineClientAlias(
        String[] keyTypes, Principal[] issuers, SSLEngine engine) {
      return alias(keyTypes);
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
      return alias(keyTypes);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return alias(new String[] {keyType}) == null ? null : new String[] {CLIENT_ALIAS};
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return CLIENT_ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return CLIENT_ALIAS.equals(alias) ? key : null;
    }
  }

  /**
   * Accepts every certificate ({@code -k}). An extended trust manager, so that the JDK does not
   * wrap it with a host-name check of its own.
   */
  private static final class TrustingAnything extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
