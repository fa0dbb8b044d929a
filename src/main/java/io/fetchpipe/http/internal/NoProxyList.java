package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.http.FetchFailure;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The hosts that bypass the proxy, read as curl reads {@code NO_PROXY} and {@code --noproxy}: a
 * name matches itself and its subdomains ({@code example.com} and {@code .example.com} both match
 * {@code example.com} and {@code a.example.com}), an IP address matches itself, an address with a
 * prefix length ({@code 10.0.0.0/8}, {@code fd00::/8}) the addresses in that range, and {@code *}
 * every host. Entries are compared the way URLs' hosts are written (lowercase, punycode, IPv6
 * compressed), so {@code EXAMPLE.com.} and {@code example.com} are one entry.
 */
@InternalApi
public final class NoProxyList {
  private static final NoProxyList NONE = new NoProxyList(false, List.of(), List.of());

  private final boolean everything;
  private final List<String> names;
  private final List<Range> ranges;

  private NoProxyList(boolean everything, List<String> names, List<Range> ranges) {
    this.everything = everything;
    this.names = names;
    this.ranges = ranges;
  }

  /** The list of {@code entries}, each a name, an address, an address range or {@code *}. */
  public static NoProxyList of(List<String> entries) {
    if (entries.isEmpty()) {
      return NONE;
    }
    boolean everything = false;
    List<String> names = new ArrayList<>();
    List<Range> ranges = new ArrayList<>();
    for (String raw : entries) {
      String entry = raw.strip();
      if (entry.equals("*")) {
        everything = true;
      } else if (!entry.isEmpty()) {
        int slash = entry.indexOf('/');
        if (slash >= 0) {
          ranges.add(Range.parse(entry.substring(0, slash), entry.substring(slash + 1), raw));
        } else {
          names.add(canonicalHost(entry.startsWith(".") ? entry.substring(1) : entry, raw));
        }
      }
    }
    return new NoProxyList(everything, List.copyOf(names), List.copyOf(ranges));
  }

  /** Splits a {@code NO_PROXY} value: entries separated by commas (and blanks). */
  public static List<String> split(String value) {
    List<String> entries = new ArrayList<>();
    for (String entry : value.split("[,\\s]+")) {
      if (!entry.isEmpty()) {
        entries.add(entry);
      }
    }
    return entries;
  }

  /**
   * Checks one entry.
   *
   * @throws IllegalArgumentException naming the entry when it is no host, address or range
   */
  public static void check(String entry) {
    of(List.of(entry));
  }

  /** Whether connections to {@code host} (as a URL writes it) go direct. */
  public boolean matches(String host) {
    if (everything) {
      return true;
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    for (String name : names) {
      if (h.equals(name)
          || (!isAddress(name)
              && h.endsWith(name)
              && h.charAt(h.length() - name.length() - 1) == '.')) {
        return true;
      }
    }
    if (!ranges.isEmpty() && isAddress(h)) {
      byte[] address = literal(h);
      for (Range range : ranges) {
        if (range.contains(address)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The host as a URL would carry it: lowercase, punycode, IPv4 dotted, IPv6 compressed in
   * brackets.
   */
  private static String canonicalHost(String entry, String raw) {
    String host = entry.indexOf(':') >= 0 && !entry.startsWith("[") ? "[" + entry + "]" : entry;
    try {
      String canonical = TargetUrl.parse("http://" + host + "/").host();
      return canonical.endsWith(".") ? canonical.substring(0, canonical.length() - 1) : canonical;
    } catch (FetchFailure e) {
      throw new IllegalArgumentException(
          "not a host name or address in the no-proxy list: '" + raw + "'");
    }
  }

  private static boolean isAddress(String host) {
    return host.startsWith("[") || host.matches("[0-9.]+");
  }

  /** The bytes of an address literal (no name lookup: it is a literal). */
  private static byte[] literal(String host) {
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    try {
      return InetAddress.getByName(bare).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException("not an address literal: " + host, e);
    }
  }

  /** Addresses sharing their first {@code bits} bits with {@code network}. */
  private record Range(byte[] network, int bits) {
    static Range parse(String address, String prefix, String raw) {
      String host = canonicalHost(address, raw);
      if (!isAddress(host) || !prefix.matches("[0-9]{1,3}")) {
        throw new IllegalArgumentException(
            "not an address range in the no-proxy list: '" + raw + "'");
      }
      byte[] network = literal(host);
      int bits = Integer.parseInt(prefix);
      if (bits > network.length * 8) {
        throw new IllegalArgumentException(
            "prefix longer than the address in the no-proxy list: '" + raw + "'");
      }
      return new Range(network, bits);
    }

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int shift = network.length * 8 - bits;
      return new BigInteger(1, address)
          .shiftRight(shift)
          .equals(new BigInteger(1, network).shiftRight(shift));
    }
  }
}
