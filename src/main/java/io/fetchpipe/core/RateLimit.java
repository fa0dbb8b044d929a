package io.fetchpipe.core;

import java.time.Duration;
import java.util.Locale;
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
  private static final Pattern SPEC = Pattern.compile("(\\d+)\\s*/\\s*(s|sec|min|m|h)");
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
   * Parses {@code N/UNIT} with unit {@code s}, {@code min} or {@code h} (e.g. {@code 20/s}).
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
    try {
      starts = Integer.parseInt(m.group(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid rate '" + text + "': number too large", e);
    }
    Duration per =
        switch (m.group(2)) {
          case "s", "sec" -> Duration.ofSeconds(1);
          case "min", "m" -> Duration.ofMinutes(1);
          default -> Duration.ofHours(1);
        };
    return of(starts, per);
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
