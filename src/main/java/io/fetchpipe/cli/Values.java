package io.fetchpipe.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsing of the command line's durations and sizes, with one-line messages for bad values. */
final class Values {
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");
  private static final Pattern SIZE =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(B|KiB|MiB|GiB|KB|MB|GB)?");

  private Values() {}

  /** {@code 500ms}, {@code 2s}, {@code 1.5s}, {@code 2m}, {@code 1h}. */
  static Duration duration(String text) {
    Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration (expected e.g. 500ms, 2s, 1.5s, 2m, 1h)");
    }
    BigDecimal amount = new BigDecimal(m.group(1));
    long nanosPerUnit =
        switch (m.group(2)) {
          case "ms" -> 1_000_000L;
          case "s" -> 1_000_000_000L;
          case "m" -> 60_000_000_000L;
          default -> 3_600_000_000_000L;
        };
    return Duration.ofNanos(amount.multiply(BigDecimal.valueOf(nanosPerUnit)).longValue());
  }

  /** {@code 8MiB}, {@code 500KB}, {@code 1024} (bytes). */
  static long size(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a size (expected e.g. 8MiB, 500KB, 1GiB, 1024B)");
    }
    String unit = m.group(2) == null ? "B" : m.group(2);
    long multiplier =
        switch (unit) {
          case "KiB" -> 1L << 10;
          case "MiB" -> 1L << 20;
          case "GiB" -> 1L << 30;
          case "KB" -> 1_000L;
          case "MB" -> 1_000_000L;
          case "GB" -> 1_000_000_000L;
          default -> 1L;
        };
    BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(multiplier));
    if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException("'" + text + "' is too large");
    }
    return bytes.longValue();
  }
}
