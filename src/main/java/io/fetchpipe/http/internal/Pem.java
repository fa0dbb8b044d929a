package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.pki.pem.DERPrivateKeyLoader;
import org.apache.pekko.pki.pem.PEMDecoder;
import org.apache.pekko.pki.pem.PEMLoadingException;

/**
 * PEM text in and out: certificates (one or a chain, any text around them ignored, as OpenSSL does)
 * and private keys. A PEM block is decoded by Pekko's {@code pekko-pki} ({@link PEMDecoder}), which
 * also reads PKCS#1 RSA keys ({@code BEGIN RSA PRIVATE KEY}); its PKCS#8 loader knows RSA only, so
 * PKCS#8 keys ({@code BEGIN PRIVATE KEY}) are read here for any algorithm the JDK knows (RSA, EC,
 * Ed25519, ...). Encrypted keys are refused with the command that decrypts them. Errors are {@link
 * IllegalArgumentException}s with a one-line reason.
 */
@InternalApi
public final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\r?\\n.*?-----END \\1-----", Pattern.DOTALL);
  private static final List<String> KEY_ALGORITHMS =
      List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA", "X25519", "X448");

  private Pem() {}

  /**
   * One decoded block: its label ({@code CERTIFICATE}, {@code PRIVATE KEY}, ...) and its DER bytes.
   */
  private record Block(String label, byte[] der) {}

  /**
   * The text of a PEM file, or {@code pathOrPem} itself when it is PEM text already (it holds a
   * {@code -----BEGIN} line).
   *
   * @throws IllegalArgumentException when the file cannot be read, with the reason
   */
  public static String textOf(String pathOrPem) {
    return pathOrPem.contains("-----BEGIN ") ? pathOrPem : read(Path.of(pathOrPem.strip()));
  }

  /** The text of a PEM file; fails with the reason it cannot be read. */
  public static String read(Path file) {
    try {
      // Latin-1 reads any bytes: a binary (DER) file then fails as "no certificate in it".
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("cannot read " + file + ": no such file");
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException("cannot read " + file + ": permission denied");
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read "
              + file
              + ": "
              + (Files.isDirectory(file)
                  ? "it is a directory"
                  : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
    }
  }

  private static List<Block> blocks(String text) {
    List<Block> blocks = new ArrayList<>();
    Matcher block = BLOCK.matcher(text);
    while (block.find()) {
      try {
        PEMDecoder.DERData data = PEMDecoder.decode(block.group());
        blocks.add(new Block(data.label(), data.bytes()));
      } catch (PEMLoadingException | IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "a " + block.group(1) + " block is not valid PEM (" + oneLine(e) + ")");
      }
    }
    return blocks;
  }

  /**
   * Every certificate in the text, in order (for a chain: the leaf first).
   *
   * @throws IllegalArgumentException when there is none, or one cannot be read
   */
  public static List<X509Certificate> certificates(String text) {
    List<X509Certificate> certificates = new ArrayList<>();
    for (Block block : blocks(text)) {
      if (block.label().equals("CERTIFICATE") || block.label().equals("TRUSTED CERTIFICATE")) {
        certificates.add(certificate(block.der()));
      }
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException(
          "no certificate in it (expected PEM: -----BEGIN CERTIFICATE-----)");
    }
    return certificates;
  }

  private static X509Certificate certificate(byte[] der) {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException e) {
      throw new IllegalArgumentException(
          "a CERTIFICATE block is not an X.509 certificate (" + oneLine(e) + ")");
    }
  }

  /**
   * The first private key in the text, or empty when it holds none.
   *
   * @throws IllegalArgumentException when the key is encrypted or cannot be read
   */
  public static Optional<PrivateKey> privateKey(String text) {
    for (Block block : blocks(text)) {
      switch (block.label()) {
        case "PRIVATE KEY":
          return Optional.of(pkcs8(block.der()));
        case "RSA PRIVATE KEY":
          try {
            return Optional.of(
                DERPrivateKeyLoader.load(new PEMDecoder.DERData(block.label(), block.der())));
          } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                "the RSA PRIVATE KEY block cannot be read (" + oneLine(e) + ")");
          }
        case "ENCRYPTED PRIVATE KEY":
          throw new IllegalArgumentException(
              "the private key is encrypted; decrypt it first: openssl pkcs8 -in KEY -out PLAIN.pem");
        case "EC PRIVATE KEY":
          throw new IllegalArgumentException(
              "an EC PRIVATE KEY (SEC 1) block: convert it to PKCS#8 first: openssl pkcs8 -topk8 -nocrypt -in KEY");
        default:
          break;
      }
    }
    return Optional.empty();
  }

  /** A PKCS#8 key of any algorithm the JDK knows: each key factory rejects the others' keys. */
  private static PrivateKey pkcs8(byte[] der) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException | RuntimeException e) {
        // not this algorithm's key (or the algorithm is missing here): try the next
      }
    }
    throw new IllegalArgumentException(
        "the PRIVATE KEY block is no PKCS#8 key of an algorithm this JVM knows");
  }

  /** {@code der} as a PEM block with {@code label}, lines of 64 characters. */
  public static String encode(String label, byte[] der) {
    String base64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + base64 + "\n-----END " + label + "-----\n";
  }

  /** The certificates as PEM, one block each. */
  public static String certificates(List<X509Certificate> certificates) {
    StringBuilder pem = new StringBuilder();
    for (X509Certificate certificate : certificates) {
      try {
        pem.append(encode("CERTIFICATE", certificate.getEncoded()));
      } catch (CertificateException e) {
        throw new IllegalStateException(
            "cannot encode " + certificate.getSubjectX500Principal(), e);
      }
    }
    return pem.toString();
  }

  /** The key as an unencrypted PKCS#8 PEM block ({@code BEGIN PRIVATE KEY}). */
  public static String privateKey(PrivateKey key) {
    if (!"PKCS#8".equals(key.getFormat())) {
      throw new IllegalArgumentException(
          "the key cannot be exported as PKCS#8: its format is " + key.getFormat());
    }
    return encode("PRIVATE KEY", key.getEncoded());
  }

  private static String oneLine(Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
