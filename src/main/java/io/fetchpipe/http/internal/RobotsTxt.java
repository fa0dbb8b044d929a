package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a robots.txt (RFC 9309) for one product token: the groups are split at user-agent lines
 * that follow rules; the groups naming the token (case-insensitively; {@code fetchpipe/0.1} names
 * {@code fetchpipe}) are combined, or, when none does, the {@code *} groups; no group at all allows
 * everything. {@code Allow} and {@code Disallow} patterns keep their {@code *} and {@code $} and
 * are percent-encoded the way URLs are sent, so they compare with a request's path and query as
 * sent. The non-standard {@code Crawl-delay} (seconds, decimals allowed) of the chosen groups is
 * kept too. Lines that are not records are skipped, as the RFC asks.
 */
@InternalApi
public final class RobotsTxt {
  /** The product token fetchpipe's groups are chosen by. */
  public static final String PRODUCT_TOKEN = "fetchpipe";

  /** Most of a robots.txt read: RFC 9309 asks crawlers to parse at least 500 KiB. */
  public static final int MAX_BYTES = 500 * 1024;

  private static final String HEX = "0123456789ABCDEF";

  private RobotsTxt() {}

  /** One group of records as written. */
  private static final class Group {
    final List<String> agents = new ArrayList<>();
    final List<RobotsRules.Rule> rules = new ArrayList<>();
    Duration crawlDelay;
  }

  /** The rules {@code text} sets for {@link #PRODUCT_TOKEN}. */
  public static RobotsRules parse(String text) {
    return parse(text, PRODUCT_TOKEN);
  }

  /** The rules {@code text} sets for {@code token}. */
  static RobotsRules parse(String text, String token) {
    List<Group> groups = groups(text);
    List<Group> chosen = groups.stream().filter(group -> names(group, token)).toList();
    if (chosen.isEmpty()) {
      chosen = groups.stream().filter(group -> group.agents.contains("*")).toList();
    }
    List<RobotsRules.Rule> rules = new ArrayList<>();
    Duration crawlDelay = null;
    for (Group group : chosen) {
      rules.addAll(group.rules);
      if (crawlDelay == null) {
        crawlDelay = group.crawlDelay;
      }
    }
    return new RobotsRules(rules, crawlDelay == null ? Duration.ZERO : crawlDelay, null);
  }

  private static boolean names(Group group, String token) {
    for (String agent : group.agents) {
      int end = 0;
      while (end < agent.length()
          && agent.charAt(end) != '/'
          && !Character.isWhitespace(agent.charAt(end))) {
        end++;
      }
      if (agent.substring(0, end).equalsIgnoreCase(token)) {
        return true;
      }
    }
    return false;
  }

  private static List<Group> groups(String text) {
    List<Group> groups = new ArrayList<>();
    Group current = null;
    boolean inRules = false;
    for (String raw : text.split("\r\n|\r|\n")) {
      String line = raw.startsWith("\uFEFF") ? raw.substring(1) : raw;
      int comment = line.indexOf('#');
      if (comment >= 0) {
        line = line.substring(0, comment);
      }
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String key = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      switch (key) {
        case "user-agent" -> {
          if (current == null || inRules) {
            current = new Group();
            groups.add(current);
            inRules = false;
          }
          current.agents.add(value);
        }
        case "allow", "disallow" -> {
          if (current != null) {
            inRules = true;
            if (!value.isEmpty()) { // an empty rule says nothing
              current.rules.add(new RobotsRules.Rule(key.equals("allow"), encoded(value)));
            }
          }
        }
        case "crawl-delay" -> {
          if (current != null) {
            inRules = true;
            if (current.crawlDelay == null) {
              current.crawlDelay = seconds(value);
            }
          }
        }
        default -> {} // sitemap and the rest: not part of any group
      }
    }
    return groups;
  }

  private static Duration seconds(String value) {
    try {
      BigDecimal seconds = new BigDecimal(value);
      return seconds.signum() < 0
          ? null
          : Duration.ofNanos(
              seconds.movePointRight(9).setScale(0, RoundingMode.CEILING).longValueExact());
    } catch (NumberFormatException | ArithmeticException unreadable) {
      return null;
    }
  }

  /**
   * {@code text} as fetchpipe sends a path and query ({@link PercentEncoding}): what a URL may not
   * hold as it is (controls, spaces, quotes, angle brackets, brackets, non-ASCII, a {@code %} that
   * starts no escape...) percent-encoded as UTF-8, and the hex digits of every escape in upper
   * case, so two spellings of one path compare equal. Applied to a path already sent, it only
   * changes the case of escapes.
   */
  static String encoded(String text) {
    StringBuilder out = new StringBuilder(text.length());
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xFF;
      if (b == '%' && i + 2 < bytes.length && hex(bytes[i + 1]) && hex(bytes[i + 2])) {
        out.append('%')
            .append(Character.toUpperCase((char) bytes[i + 1]))
            .append(Character.toUpperCase((char) bytes[i + 2]));
        i += 2;
      } else if (b <= 0x20 || b >= 0x7F || b == '%' || "\"<>`{}[]|\\^".indexOf(b) >= 0) {
        out.append('%').append(HEX.charAt(b >> 4)).append(HEX.charAt(b & 0xF));
      } else {
        out.append((char) b);
      }
    }
    return out.toString();
  }

  private static boolean hex(byte b) {
    return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
  }
}
