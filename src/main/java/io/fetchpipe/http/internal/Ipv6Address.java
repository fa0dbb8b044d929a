package io.fetchpipe.http.internal;

/**
 * IPv6 literals as the WHATWG URL Standard reads and writes them: eight 16-bit pieces, {@code ::}
 * for one run of zeros, an optional dotted IPv4 tail; written back in lowercase hex with the first
 * longest run of two or more zero pieces compressed (RFC 5952), so one address has one spelling and
 * one per-host key. Zone identifiers ({@code %eth0}) are not accepted, as in browsers.
 */
final class Ipv6Address {
  private static final int EOF = -1;

  private Ipv6Address() {}

  /** Parses the text between the brackets, {@code in[from..to)}, and returns it serialized. */
  static String parseAndSerialize(int[] in, int from, int to) {
    return serialize(parse(in, from, to));
  }

  private static int[] parse(int[] in, int from, int to) {
    int[] address = new int[8];
    int pieceIndex = 0;
    int compress = -1;
    int p = from;
    if (at(in, p, to) == ':') {
      if (at(in, p + 1, to) != ':') {
        throw invalid();
      }
      p += 2;
      compress = ++pieceIndex;
    }
    while (at(in, p, to) != EOF) {
      if (pieceIndex == 8) {
        throw invalid();
      }
      if (at(in, p, to) == ':') {
        if (compress >= 0) {
          throw invalid();
        }
        p++;
        compress = ++pieceIndex;
        continue;
      }
      int value = 0;
      int length = 0;
      while (length < 4 && PercentEncoding.hexValue(at(in, p, to)) >= 0) {
        value = value * 16 + PercentEncoding.hexValue(at(in, p, to));
        p++;
        length++;
      }
      if (at(in, p, to) == '.') {
        if (length == 0 || pieceIndex > 6) {
          throw invalid();
        }
        readIpv4Tail(in, p - length, to, address, pieceIndex);
        pieceIndex += 2;
        break;
      }
      if (at(in, p, to) == ':') {
        p++;
        if (at(in, p, to) == EOF) {
          throw invalid();
        }
      } else if (at(in, p, to) != EOF) {
        throw invalid();
      }
      address[pieceIndex++] = value;
    }
    if (compress >= 0) {
      // Move the pieces after "::" to the end; the zeros they leave are the compressed run.
      int swaps = pieceIndex - compress;
      for (int i = 7; i != 0 && swaps > 0; i--, swaps--) {
        int other = compress + swaps - 1;
        int kept = address[i];
        address[i] = address[other];
        address[other] = kept;
      }
    } else if (pieceIndex != 8) {
      throw invalid();
    }
    return address;
  }

  /** Reads exactly four decimal bytes (no leading zeros) at {@code p} into two pieces. */
  private static void readIpv4Tail(int[] in, int p, int to, int[] address, int pieceIndex) {
    int numbersSeen = 0;
    while (at(in, p, to) != EOF) {
      if (numbersSeen > 0) {
        if (at(in, p, to) != '.' || numbersSeen >= 4) {
          throw invalid();
        }
        p++;
      }
      int c = at(in, p, to);
      if (c < '0' || c > '9') {
        throw invalid();
      }
      int number = -1;
      while ((c = at(in, p, to)) >= '0' && c <= '9') {
        if (number == 0) {
          throw invalid();
        }
        number = (number < 0 ? 0 : number * 10) + (c - '0');
        if (number > 255) {
          throw invalid();
        }
        p++;
      }
      address[pieceIndex + numbersSeen / 2] = address[pieceIndex + numbersSeen / 2] << 8 | number;
      numbersSeen++;
    }
    if (numbersSeen != 4) {
      throw invalid();
    }
  }

  private static String serialize(int[] address) {
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int end = i;
      while (end < 8 && address[end] == 0) {
        end++;
      }
      if (end - i > bestLength) {
        bestStart = i;
        bestLength = end - i;
      }
      i = Math.max(end, i + 1);
    }
    StringBuilder out = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append(i == 0 ? "::" : ":");
        i += bestLength - 1;
        continue;
      }
      out.append(Integer.toHexString(address[i]));
      if (i < 7) {
        out.append(':');
      }
    }
    return out.toString();
  }

  private static int at(int[] in, int p, int to) {
    return p < to ? in[p] : EOF;
  }

  private static WebUrl.InvalidUrlException invalid() {
    return new WebUrl.InvalidUrlException("invalid IPv6 address");
  }
}
