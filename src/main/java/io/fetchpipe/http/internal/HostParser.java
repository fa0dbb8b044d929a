package io.fetchpipe.http.internal;

import java.net.IDN;
import java.util.Locale;

/**
 * The host of an http(s) URL as the WHATWG URL Standard reads it: an IPv6 literal in brackets, or a
 * percent-decoded domain turned to ASCII (punycode), which becomes an IPv4 address when its last
 * label is a number.
 */
final class HostParser {
  private HostParser() {}

  /** Parses the host text {@code in[from..to)} (not empty) and returns its ASCII serialization. */
  static String parse(int[] in, int from, int to) {
    if (in[from] == '[') {
      if (to - from < 2 || in[to - 1] != ']') {
        throw new WebUrl.InvalidUrlException("invalid IPv6 address (no closing ']')");
      }
      return "[" + Ipv6Address.parseAndSerialize(in, from + 1, to - 1) + "]";
    }
    String plain = plainDomain(in, from, to);
    if (plain != null) {
      return domainOrIpv4(plain);
    }
    String domain = PercentEncoding.decode(new String(in, from, to - from));
    checkCodePoints(domain);
    String ascii = toAscii(domain);
    // Checked again: IDNA maps some characters to ASCII ones, fullwidth '＜' to '<' for instance.
    checkCodePoints(ascii);
    if (ascii.isEmpty()) {
      throw new WebUrl.InvalidUrlException("no host");
    }
    return domainOrIpv4(ascii);
  }

  /**
   * A lowercase ASCII domain as it stands, or the canonical IPv4 address it is when its last label
   * is a number.
   */
  static String domainOrIpv4(String ascii) {
    return Ipv4Address.endsInNumber(ascii) ? Ipv4Address.parse(ascii) : ascii;
  }

  /**
   * The host lowercased when it is only ASCII letters, digits, '-' and '.', else null. Nearly every
   * URL's host is, and for those the general path (percent-decoding, IDNA label by label, the code
   * point checks) gives exactly this, at several times the cost, once per request.
   */
  private static String plainDomain(int[] in, int from, int to) {
    char[] out = new char[to - from];
    for (int i = from; i < to; i++) {
      int c = in[i];
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      } else if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.')) {
        return null;
      }
      out[i - from] = (char) c;
    }
    return new String(out);
  }

  /**
   * Domain to ASCII, label by label. ASCII labels are only lowercased, as the standard does when no
   * label needs IDNA. Others go through {@link IDN#toASCII}, which implements IDNA2003, not the UTS
   * #46 nontransitional processing browsers use: the two agree on most names, but IDNA2003 maps a
   * few characters away, so {@code straße} becomes {@code strasse} where a browser sends {@code
   * xn--strae-oqa}.
   */
  private static String toAscii(String domain) {
    StringBuilder out = new StringBuilder(domain.length());
    int labelStart = 0;
    for (int i = 0; i <= domain.length(); i++) {
      if (i == domain.length() || isDot(domain.charAt(i))) {
        out.append(labelToAscii(domain.substring(labelStart, i)));
        if (i < domain.length()) {
          out.append('.');
        }
        labelStart = i + 1;
      }
    }
    return out.toString();
  }

  /** The full stops IDNA treats as label separators: ASCII, ideographic, fullwidth, halfwidth. */
  private static boolean isDot(char c) {
    return c == '.' || c == '\u3002' || c == '\uFF0E' || c == '\uFF61';
  }

  private static String labelToAscii(String label) {
    String lower = label.toLowerCase(Locale.ROOT);
    if (isAscii(lower)) {
      return lower;
    }
    try {
      return IDN.toASCII(lower, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      throw new WebUrl.InvalidUrlException(
          "invalid international domain name " + WebUrl.InvalidUrlException.quoted(label));
    }
  }

  private static boolean isAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /**
   * Rejects the standard's forbidden domain code points, and also {@code " ` { }}: the standard
   * lets those through to DNS, where no name has them, but Pekko's URI parser rejects them.
   */
  private static void checkCodePoints(String domain) {
    for (int i = 0; i < domain.length(); i++) {
      char c = domain.charAt(i);
      if (c < 0x20 || c == 0x7F) {
        throw new WebUrl.InvalidUrlException(
            String.format("forbidden character U+%04X in host", (int) c));
      }
      if (" #%/:<>?@[\\]^|\"`{}".indexOf(c) >= 0) {
        throw new WebUrl.InvalidUrlException("forbidden character '" + c + "' in host");
      }
    }
  }
}
