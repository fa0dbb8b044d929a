package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes X.509 v3 certificates (RFC 5280) for test servers and test clients: a subject with a
 * common name, a validity, subject alternative names (DNS names and IP addresses), basic
 * constraints, key usage, signed with ECDSA over SHA-256 by the issuer's EC key. The DER is written
 * here, a few dozen lines, and the JDK's {@link CertificateFactory} reads the result back, so what
 * comes out is a certificate the JDK itself parsed; signing is the JDK's {@link Signature}. The JDK
 * has no public API to build certificates, and the alternative, BouncyCastle's {@code bcpkix} with
 * {@code bcprov}, is about 10 MB that the command line's jar and every test class path would carry
 * for this alone.
 */
@InternalApi
public final class X509Maker {
  private static final String SIGNATURE = "SHA256withECDSA";
  private static final int[] ECDSA_WITH_SHA256 = {1, 2, 840, 10045, 4, 3, 2};
  private static final int[] COMMON_NAME = {2, 5, 4, 3};
  private static final int[] SUBJECT_ALT_NAME = {2, 5, 29, 17};
  private static final int[] BASIC_CONSTRAINTS = {2, 5, 29, 19};
  private static final int[] KEY_USAGE = {2, 5, 29, 15};
  private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");
  private static final DateTimeFormatter GENERALIZED_TIME =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'");
  private static final SecureRandom RANDOM = new SecureRandom();

  private X509Maker() {}

  /**
   * A certificate.
   *
   * @param subject the subject's common name
   * @param names DNS names and IP addresses (IPv6 with or without brackets) for subjectAltName
   * @param authority whether it may sign certificates (a CA)
   * @param publicKey the subject's key
   * @param issuer the issuer's common name (the subject's for a self-signed certificate)
   * @param issuerKey the key that signs, an EC key
   */
  public static X509Certificate make(
      String subject,
      List<String> names,
      Instant notBefore,
      Instant notAfter,
      boolean authority,
      PublicKey publicKey,
      String issuer,
      PrivateKey issuerKey) {
    byte[] algorithm = sequence(oid(ECDSA_WITH_SHA256));
    List<byte[]> extensions = new ArrayList<>();
    extensions.add(
        extension(
            BASIC_CONSTRAINTS,
            true,
            authority ? sequence(tlv(0x01, new byte[] {(byte) 0xff})) : sequence()));
    // digitalSignature for TLS; with keyCertSign and cRLSign for an authority. A BIT STRING: the
    // first byte counts the unused bits of the last.
    extensions.add(
        extension(
            KEY_USAGE,
            true,
            authority
                ? tlv(0x03, new byte[] {1, (byte) 0x86})
                : tlv(0x03, new byte[] {7, (byte) 0x80})));
    if (!names.isEmpty()) {
      List<byte[]> generalNames = new ArrayList<>();
      for (String name : names) {
        generalNames.add(generalName(name));
      }
      extensions.add(
          extension(SUBJECT_ALT_NAME, false, sequence(generalNames.toArray(byte[][]::new))));
    }
    byte[] tbs =
        sequence(
            tlv(0xa0, integer(BigInteger.TWO)), // version: v3
            integer(new BigInteger(63, RANDOM).add(BigInteger.ONE)),
            algorithm,
            name(issuer),
            sequence(time(notBefore), time(notAfter)),
            name(subject),
            publicKey.getEncoded(), // SubjectPublicKeyInfo, DER already
            tlv(0xa3, sequence(extensions.toArray(byte[][]::new))));
    try {
      Signature signer = Signature.getInstance(SIGNATURE);
      signer.initSign(issuerKey);
      signer.update(tbs);
      byte[] signature = signer.sign();
      byte[] bits = new byte[signature.length + 1]; // no unused bits
      System.arraycopy(signature, 0, bits, 1, signature.length);
      byte[] der = sequence(tbs, algorithm, tlv(0x03, bits));
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "cannot make a certificate for " + subject + ": " + e.getMessage(), e);
    }
  }

  private static byte[] extension(int[] id, boolean critical, byte[] value) {
    return critical
        ? sequence(oid(id), tlv(0x01, new byte[] {(byte) 0xff}), tlv(0x04, value))
        : sequence(oid(id), tlv(0x04, value));
  }

  /** dNSName [2] or iPAddress [7], both implicitly tagged. */
  private static byte[] generalName(String name) {
    String bare = name.startsWith("[") ? name.substring(1, name.length() - 1) : name;
    if (bare.matches("[0-9]+(\\.[0-9]+){3}") || bare.indexOf(':') >= 0) {
      try {
        return tlv(0x87, InetAddress.getByName(bare).getAddress()); // a literal: no lookup
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("not an IP address: " + name, e);
      }
    }
    return tlv(0x82, bare.getBytes(StandardCharsets.US_ASCII));
  }

  /** A Name of one relative name: the common name, as a UTF8String. */
  private static byte[] name(String commonName) {
    byte[] attribute =
        sequence(oid(COMMON_NAME), tlv(0x0c, commonName.getBytes(StandardCharsets.UTF_8)));
    return sequence(tlv(0x31, attribute));
  }

  /** UTCTime through 2049, GeneralizedTime after, as RFC 5280 asks. */
  private static byte[] time(Instant instant) {
    ZonedDateTime utc = instant.atZone(ZoneOffset.UTC).withNano(0);
    return utc.getYear() < 2050
        ? tlv(0x17, UTC_TIME.format(utc).getBytes(StandardCharsets.US_ASCII))
        : tlv(0x18, GENERALIZED_TIME.format(utc).getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] integer(BigInteger value) {
    return tlv(0x02, value.toByteArray());
  }

  private static byte[] oid(int[] arcs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(arcs[0] * 40 + arcs[1]);
    for (int i = 2; i < arcs.length; i++) {
      int arc = arcs[i];
      int shift = 28;
      while (shift > 0 && (arc >>> shift) == 0) {
        shift -= 7;
      }
      for (; shift > 0; shift -= 7) {
        out.write(0x80 | ((arc >>> shift) & 0x7f));
      }
      out.write(arc & 0x7f);
    }
    return tlv(0x06, out.toByteArray());
  }

  private static byte[] sequence(byte[]... parts) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      content.writeBytes(part);
    }
    return tlv(0x30, content.toByteArray());
  }

  /** Tag, definite length (short form below 128, else the count of length bytes first), value. */
  private static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
    out.write(tag);
    int length = value.length;
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = length > 0xffff ? (length > 0xffffff ? 4 : 3) : (length > 0xff ? 2 : 1);
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(length >>> (8 * i));
      }
    }
    out.writeBytes(value);
    return out.toByteArray();
  }
}
