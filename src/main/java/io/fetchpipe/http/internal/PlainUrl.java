package io.fetchpipe.http.internal;

import java.util.Locale;

/**
 * The URLs nearly every input line holds, read without the standard's state machine: {@code
 * http://} or {@code https://}, a host of ASCII letters, digits, '-' and '.', perhaps a port, and a
 * path and query made only of characters that {@link WebUrlParser} passes on unchanged. For such a
 * string the full parser's result is the string itself (the host lowercased and an IPv4 address
 * made canonical, as {@link HostParser} does), so it is built directly, at a fraction of the cost,
 * once per request. Anything else (credentials, a fragment, a default or odd port, dot segments, a
 * character to encode, whitespace) is left to the full parser: {@link #readOrNull} answers null.
 * {@code PlainUrlTest} checks that both agree on every URL this one reads.
 */
final class PlainUrl {
  /** Characters kept as they are in a path (besides letters, digits and a valid escape). */
  private static final String PATH_CHARS = "-._~!$&'()*+,;=:@/";

  /** In a query: those of a path but the apostrophe (encoded in http(s) queries), and '?'. */
  private static final String QUERY_CHARS = "-._~!$&()*+,;=:@/?";

  private static final int MAX_PORT = 65_535;

  private PlainUrl() {}

  /**
   * {@code input} read as {@link WebUrl#parse} would read it, or null when it is not that simple.
   */
  static WebUrl readOrNull(String input) {
    String scheme;
    int hostStart;
    if (input.startsWith("http://")) {
      scheme = "http";
      hostStart = 7;
    } else if (input.startsWith("https://")) {
      scheme = "https";
      hostStart = 8;
    } else {
      return null;
    }
    int length = input.length();
    int hostEnd = hostStart;
    while (hostEnd < length && isHostChar(input.charAt(hostEnd))) {
      hostEnd++;
    }
    if (hostEnd == hostStart) {
      return null;
    }
    int port = -1;
    int pathStart = hostEnd;
    if (pathStart < length && input.charAt(pathStart) == ':') {
      pathStart++;
      int digitsStart = pathStart;
      while (pathStart < length
          && isDigit(input.charAt(pathStart))
          && pathStart - digitsStart < 6) {
        pathStart++;
      }
      port = portOrMinusOne(input, digitsStart, pathStart, scheme);
      if (port < 0) {
        return null;
      }
    }
    String path;
    String query = null;
    if (pathStart == length) {
      path = "/";
    } else if (input.charAt(pathStart) != '/') {
      return null; // '?', '#', '@', '\' or another character right after the host
    } else {
      int queryStart = input.indexOf('?', pathStart);
      int pathEnd = queryStart < 0 ? length : queryStart;
      if (!allMatch(input, pathStart, pathEnd, PATH_CHARS)
          || hasDotSegment(input, pathStart, pathEnd)) {
        return null;
      }
      if (queryStart >= 0 && !allMatch(input, queryStart + 1, length, QUERY_CHARS)) {
        return null;
      }
      path = input.substring(pathStart, pathEnd);
      query = queryStart < 0 ? null : input.substring(queryStart + 1);
    }
    String written = input.substring(hostStart, hostEnd);
    String host = host(written.toLowerCase(Locale.ROOT));
    // Nothing was rewritten: the URL as sent is the input itself.
    String href = host.equals(written) && pathStart < length ? input : null;
    return new WebUrl(scheme, "", "", host, port, path, query, href);
  }

  /**
   * The host (lowercase ASCII letters, digits, '-' and '.') as the full parser serializes it. Only
   * a last label starting with a digit can make it an IPv4 address; one already in dotted decimal
   * stays as it is.
   */
  private static String host(String lower) {
    if (lower.endsWith(".")) {
      return HostParser.domainOrIpv4(lower); // the label before the trailing dot decides
    }
    char first = lower.charAt(lower.lastIndexOf('.') + 1);
    return isDigit(first) && !isDottedDecimal(lower) ? HostParser.domainOrIpv4(lower) : lower;
  }

  /** Four decimal numbers up to 255, without leading zeros: an IPv4 address in canonical form. */
  private static boolean isDottedDecimal(String host) {
    int parts = 0;
    int value = 0;
    int digits = 0;
    for (int i = 0; i <= host.length(); i++) {
      char c = i < host.length() ? host.charAt(i) : '.';
      if (c == '.') {
        if (digits == 0 || ++parts > 4) {
          return false;
        }
        value = 0;
        digits = 0;
      } else if (!isDigit(c) || digits > 0 && value == 0 || (value = value * 10 + c - '0') > 255) {
        return false;
      } else {
        digits++;
      }
    }
    return parts == 4;
  }

  private static boolean isHostChar(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '-' || c == '.';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** The port written in {@code input[from, to)}, or -1 when the full parser is needed for it. */
  private static int portOrMinusOne(String input, int from, int to, String scheme) {
    if (to == from || to - from > 5 || input.charAt(from) == '0') {
      return -1; // empty, too long or with a leading zero: the standard rewrites or rejects those
    }
    int port = Integer.parseInt(input, from, to, 10);
    return port > MAX_PORT || port == WebUrl.defaultPort(scheme) ? -1 : port;
  }

  private static boolean allMatch(String input, int from, int to, String others) {
    for (int i = from; i < to; i++) {
      char c = input.charAt(i);
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c)) {
        continue;
      }
      if (c == '%') {
        if (i + 2 >= to || !isHex(input.charAt(i + 1)) || !isHex(input.charAt(i + 2))) {
          return false;
        }
        i += 2;
      } else if (others.indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean isHex(char c) {
    return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }

  /**
   * Whether a segment might be a dot segment, plain or encoded: any segment starting with '.', and
   * any {@code %2e}. Harmless names such as {@code /.well-known} go the long way too.
   */
  private static boolean hasDotSegment(String input, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = input.charAt(i);
      if (c == '.' && input.charAt(i - 1) == '/') {
        return true;
      }
      if (c == '%'
          && input.charAt(i + 1) == '2'
          && (input.charAt(i + 2) == 'e' || input.charAt(i + 2) == 'E')) {
        return true;
      }
    }
    return false;
  }
}
