package io.fetchpipe.core;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A limit on how often work may start: at most {@code starts} per {@code per}, spaced evenly, with
 * up to {@code burst} starts allowed back to back after an idle period (a token bucket of {@code
 * burst} tokens refilled at {@code starts/per}). {@link #unlimited()} imposes no limit.
 *
 * @param starts starts allowed per interval; 0 means unlimited
 * @param per the interval
 * @param burst bucket size: starts allowed back to back (at least 1)
 */
public record RateLimit(int starts, Duration per, int burst) {
  private static final Pattern SPEC =
      Pattern.compile("(\\d+)\\s*/\\s*(\\d*)\\s*(ms|s|sec|min|m|h)");

  /** The units {@link #toText()} writes, the longest first. */
  private static final List<Map.Entry<String, Duration>> UNITS =
      List.of(
          Map.entry("h", Duration.ofHours(1)),
          Map.entry("min", Duration.ofMinutes(1)),
          Map.entry("s", Duration.ofSeconds(1)),
          Map.entry("ms", Duration.ofMillis(1)));

  private static final RateLimit UNLIMITED = new RateLimit(0, Duration.ofSeconds(1), 1);

  /** Validates the fields. */
  public RateLimit {
    Objects.requireNonNull(per, "per");
    if (starts < 0) {
      throw new IllegalArgumentException("rate must not be negative, got " + starts);
    }
    if (per.isNegative() || per.isZero()) {
      throw new IllegalArgumentException("rate interval must be positive, got " + per);
    }
    if (burst < 1) {
      throw new IllegalArgumentException("rate burst must be at least 1, got " + burst);
    }
  }

  /** No limit on starts. */
  public static RateLimit unlimited() {
    return UNLIMITED;
  }

  /** At most {@code starts} per {@code per}, evenly spaced, burst 1. */
  public static RateLimit of(int starts, Duration per) {
    if (starts < 1) {
      throw new IllegalArgumentException("rate must be at least 1 per interval, got " + starts);
    }
    return new RateLimit(starts, per, 1);
  }

  /**
   * Parses {@code N/UNIT} with unit {@code s}, {@code min} or {@code h} (e.g. {@code 20/s}), burst
   * 1; the unit may carry a count ({@code 3/2s}, {@code 1/250ms}), as {@link #toText()} writes a
   * rate whose interval is not one second, minute or hour. The syntax of rates in config ({@code
   * fetchpipe.pool.rate}, {@code max-rate-per-key}) and on the command line.
   *
   * @throws IllegalArgumentException with a one-line message when the text is not of that form
   */
  public static RateLimit parse(String text) {
    Matcher m = SPEC.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "invalid rate '" + text + "': expected N/UNIT with UNIT s, min or h (e.g. 20/s)");
    }
    int starts;
    long count;
    try {
      starts = Integer.parseInt(m.group(1));
      count = m.group(2).isEmpty() ? 1 : Long.parseLong(m.group(2));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid rate '" + text + "': number too large", e);
    }
    Duration unit =
        switch (m.group(3)) {
          case "ms" -> Duration.ofMillis(1);
          case "s", "sec" -> Duration.ofSeconds(1);
          case "min", "m" -> Duration.ofMinutes(1);
          default -> Duration.ofHours(1);
        };
    if (count < 1) {
      throw new IllegalArgumentException(
          "invalid rate '" + text + "': the interval must be positive");
    }
    return of(starts, unit.multipliedBy(count));
  }

  /**
   * The rate (not its burst) as {@link #parse} reads it back: {@code 20/s}, {@code 100/min}, {@code
   * 3/2s}, {@code 1/250ms}.
   *
   * @throws IllegalStateException for {@link #unlimited()}, which has no such form (config says
   *     {@code off})
   */
  public String toText() {
    if (isUnlimited()) {
      throw new IllegalStateException("an unlimited rate has no N/UNIT form");
    }
    for (Map.Entry<String, Duration> unit : UNITS) {
      long nanos = unit.getValue().toNanos();
      if (per.toNanos() % nanos == 0) {
        long count = per.toNanos() / nanos;
        return starts + "/" + (count == 1 ? "" : count) + unit.getKey();
      }
    }
    throw new IllegalStateException(
        "a rate per " + per + " has no N/UNIT form: the interval is not whole milliseconds");
  }

  /** A copy with another bucket size. */
  public RateLimit withBurst(int newBurst) {
    return new RateLimit(starts, per, newBurst);
  }

  /** True when no limit applies. */
  public boolean isUnlimited() {
    return starts == 0;
  }

  /** The even spacing between starts: {@code per / starts}. */
  public Duration spacing() {
    if (isUnlimited()) {
      return Duration.ZERO;
    }
    return per.dividedBy(starts);
  }

  @Override
  public String toString() {
    return isUnlimited() ? "unlimited" : starts + "/" + per + " (burst " + burst + ")";
  }
}
