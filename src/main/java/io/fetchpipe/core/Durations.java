package io.fetchpipe.core;

import io.fetchpipe.InternalApi;
import java.math.BigDecimal;
import java.time.Duration;

/**
 * Short human-readable durations for one-line messages: {@code 250ms}, {@code 1.5s}, {@code 2m30s};
 * shared by the pools' internals and the fetcher's.
 */
@InternalApi
public final class Durations {
  private Durations() {}

  /** Formats a duration compactly. */
  public static String format(Duration d) {
    long millis = d.toMillis();
    if (millis < 1000) {
      return millis + "ms";
    }
    if (millis < 60_000) {
      return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString() + "s";
    }
    long seconds = d.toSeconds();
    return (seconds / 60) + "m" + (seconds % 60 == 0 ? "" : (seconds % 60) + "s");
  }
}
