package io.fetchpipe.http.internal;

/**
 * IPv4 hosts as the WHATWG URL Standard reads them: one to four dot-separated numbers, each
 * decimal, octal (leading {@code 0}) or hex ({@code 0x}), the last one filling the remaining bytes.
 * So {@code 0x7f.1} and {@code 2130706433} are both {@code 127.0.0.1}, as in browsers and {@code
 * inet_aton}.
 */
final class Ipv4Address {
  private static final long FAILURE = -1;
  // Any number at or above 2^32 is too large in every position, so counting can stop there.
  private static final long TOO_LARGE = 1L << 32;

  private Ipv4Address() {}

  /**
   * The standard's "ends in a number" test: true when the last label (ignoring one trailing dot) is
   * all digits or a valid IPv4 number, in which case the host must parse as IPv4.
   */
  static boolean endsInNumber(String domain) {
    String[] parts = domain.split("\\.", -1);
    int last = parts.length - 1;
    if (parts[last].isEmpty()) {
      if (parts.length == 1) {
        return false;
      }
      last--;
    }
    String part = parts[last];
    return (!part.isEmpty() && part.chars().allMatch(c -> c >= '0' && c <= '9'))
        || number(part) != FAILURE;
  }

  /** Parses {@code domain} as IPv4 and returns it in dotted decimal. */
  static String parse(String domain) {
    String[] split = domain.split("\\.", -1);
    boolean trailingDot = split.length > 1 && split[split.length - 1].isEmpty();
    int count = trailingDot ? split.length - 1 : split.length;
    if (count > 4) {
      throw invalid(domain);
    }
    long[] numbers = new long[count];
    for (int i = 0; i < count; i++) {
      numbers[i] = number(split[i]);
      if (numbers[i] == FAILURE || (i < count - 1 && numbers[i] > 255)) {
        throw invalid(domain);
      }
    }
    // The last number fills the bytes the others left: below 2^32 alone, below 2^8 after three.
    if (numbers[count - 1] >= 1L << (8 * (5 - count))) {
      throw invalid(domain);
    }
    long address = numbers[count - 1];
    for (int i = 0; i < count - 1; i++) {
      address += numbers[i] << (8 * (3 - i));
    }
    return (address >> 24)
        + "."
        + (address >> 16 & 0xFF)
        + "."
        + (address >> 8 & 0xFF)
        + "."
        + (address & 0xFF);
  }

  /** One IPv4 number, or {@link #FAILURE}; values from 2^32 up all read as {@link #TOO_LARGE}. */
  private static long number(String part) {
    if (part.isEmpty()) {
      return FAILURE;
    }
    int radix = 10;
    int start = 0;
    boolean leadingZero = part.length() >= 2 && part.charAt(0) == '0';
    if (leadingZero && (part.charAt(1) == 'x' || part.charAt(1) == 'X')) {
      radix = 16;
      start = 2;
    } else if (leadingZero) {
      radix = 8;
      start = 1;
    }
    long value = 0;
    for (int i = start; i < part.length(); i++) {
      int digit = PercentEncoding.hexValue(part.charAt(i));
      if (digit < 0 || digit >= radix) {
        return FAILURE;
      }
      value = Math.min(value * radix + digit, TOO_LARGE);
    }
    return value;
  }

  private static WebUrl.InvalidUrlException invalid(String domain) {
    return new WebUrl.InvalidUrlException(
        "invalid IPv4 address " + WebUrl.InvalidUrlException.quoted(domain));
  }
}
