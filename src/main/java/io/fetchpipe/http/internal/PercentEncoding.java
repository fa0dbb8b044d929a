package io.fetchpipe.http.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The percent-encode sets of the WHATWG URL Standard for the parts of an http(s) URL, widened where
 * Pekko HTTP's URI parser would reject or rewrite a character the standard leaves raw, and
 * percent-decoding.
 */
final class PercentEncoding {
  /**
   * The path set: the standard's path percent-encode set (C0 controls, space, {@code " # < > ? ^ `
   * { }}), plus {@code [ ] |}, which Pekko's parser rewrites as escapes when it reads them.
   */
  static final boolean[] PATH = asciiSet(" \"#<>?^`{}" + "[]|");

  /**
   * The query set: the standard's special-query percent-encode set (C0 controls, space, {@code " #
   * < > '}), plus {@code [ ] | \ ^ ` { }}, which Pekko's parser rewrites as escapes in a query.
   */
  static final boolean[] QUERY = asciiSet(" \"#<>'" + "[]|\\^`{}");

  /** The standard's userinfo percent-encode set (the path set and {@code / : ; = @ [ \ ] ^ |}). */
  static final boolean[] USERINFO = asciiSet(" \"#<>?^`{}" + "/:;=@[\\]|");

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private PercentEncoding() {}

  private static boolean[] asciiSet(String members) {
    boolean[] set = new boolean[0x80];
    for (int c = 0; c < 0x20; c++) {
      set[c] = true;
    }
    set[0x7F] = true;
    for (int i = 0; i < members.length(); i++) {
      set[members.charAt(i)] = true;
    }
    return set;
  }

  /**
   * Appends {@code in[i]} to {@code out}, percent-encoded as UTF-8 when it is in {@code set} or not
   * ASCII. A {@code %} that does not start an escape becomes {@code %25}: the standard would leave
   * it raw, but Pekko's parser rejects a {@code %} without two hex digits after it.
   */
  static void append(StringBuilder out, int[] in, int i, boolean[] set) {
    int c = in[i];
    if (c == '%') {
      out.append(isEscapeAt(in, i) ? "%" : "%25");
    } else if (c < 0x80 && !set[c]) {
      out.append((char) c);
    } else {
      appendUtf8(out, c);
    }
  }

  /** True when {@code in[i]} is a {@code %} followed by two hex digits. */
  static boolean isEscapeAt(int[] in, int i) {
    return i + 2 < in.length
        && in[i] == '%'
        && hexValue(in[i + 1]) >= 0
        && hexValue(in[i + 2]) >= 0;
  }

  private static void appendUtf8(StringBuilder out, int c) {
    // A lone surrogate has no UTF-8 form; browsers see U+FFFD in its place.
    int cp = c >= 0xD800 && c <= 0xDFFF ? 0xFFFD : c;
    if (cp < 0x80) {
      appendByte(out, cp);
    } else if (cp < 0x800) {
      appendByte(out, 0xC0 | cp >> 6);
      appendByte(out, 0x80 | cp & 0x3F);
    } else if (cp < 0x10000) {
      appendByte(out, 0xE0 | cp >> 12);
      appendByte(out, 0x80 | cp >> 6 & 0x3F);
      appendByte(out, 0x80 | cp & 0x3F);
    } else {
      appendByte(out, 0xF0 | cp >> 18);
      appendByte(out, 0x80 | cp >> 12 & 0x3F);
      appendByte(out, 0x80 | cp >> 6 & 0x3F);
      appendByte(out, 0x80 | cp & 0x3F);
    }
  }

  private static void appendByte(StringBuilder out, int b) {
    out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xF]);
  }

  /**
   * Percent-decodes {@code text} and reads the bytes as UTF-8 (malformed sequences become U+FFFD).
   * A {@code %} without two hex digits after it stays as it is.
   */
  static String decode(String text) {
    if (text.indexOf('%') < 0) {
      return text;
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
    for (int i = 0; i < bytes.length; i++) {
      int high = i + 2 < bytes.length ? hexValue(bytes[i + 1]) : -1;
      int low = i + 2 < bytes.length ? hexValue(bytes[i + 2]) : -1;
      if (bytes[i] == '%' && high >= 0 && low >= 0) {
        out.write(high << 4 | low);
        i += 2;
      } else {
        out.write(bytes[i]);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** The value of an ASCII hex digit, or -1. */
  static int hexValue(int c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
