package io.fetchpipe.core;

import com.typesafe.config.Config;
import io.fetchpipe.InternalApi;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads durations that may be switched off ({@code off} or {@code infinite}) from config; shared by
 * the settings classes of several packages.
 */
@InternalApi
public final class ConfigDurations {
  private ConfigDurations() {}

  /** The duration at {@code path}, or empty when it says {@code off} or {@code infinite}. */
  public static Optional<Duration> optional(Config config, String path) {
    String raw = config.getString(path).trim().toLowerCase(Locale.ROOT);
    if (raw.equals("off") || raw.equals("infinite") || raw.equals("none")) {
      return Optional.empty();
    }
    return Optional.of(positive(config.getDuration(path), path));
  }

  /** Checks that a duration is greater than zero. */
  public static Duration positive(Duration value, String name) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
    }
    return value;
  }
}
