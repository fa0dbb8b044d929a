package io.fetchpipe.core;

import com.typesafe.config.Config;
import io.fetchpipe.core.internal.SettingKey;
import io.fetchpipe.core.internal.SettingsTable;
import java.time.Duration;
import java.util.Random;

/**
 * When and how soon a task that failed with a {@link RetryableFailure} is tried again: up to {@code
 * maxRetries} extra attempts, each after an exponential backoff with full jitter (a random wait
 * between zero and {@code min(maxBackoff, backoff × 2^(retry-1))}). A server's hint (e.g. {@code
 * Retry-After}) replaces the backoff, capped at {@code maxRetryAfter}. A task waiting to be retried
 * holds no concurrency slot.
 *
 * @param maxRetries extra attempts after the first (0: never retry)
 * @param backoff base of the exponential backoff
 * @param maxBackoff cap of the exponential backoff
 * @param maxRetryAfter cap of a server-requested wait
 */
public record RetrySettings(
    int maxRetries, Duration backoff, Duration maxBackoff, Duration maxRetryAfter) {
  private static final SettingKey<RetrySettings, Integer> MAX_RETRIES =
      SettingKey.ofInt("max-retries", RetrySettings::maxRetries);
  private static final SettingKey<RetrySettings, Duration> BACKOFF =
      SettingKey.ofDuration("backoff", RetrySettings::backoff);
  private static final SettingKey<RetrySettings, Duration> MAX_BACKOFF =
      SettingKey.ofDuration("max-backoff", RetrySettings::maxBackoff);
  private static final SettingKey<RetrySettings, Duration> MAX_RETRY_AFTER =
      SettingKey.ofDuration("max-retry-after", RetrySettings::maxRetryAfter);
  private static final SettingsTable<RetrySettings> KEYS =
      SettingsTable.of(
          "fetchpipe.pool.retry",
          v ->
              new RetrySettings(
                  v.get(MAX_RETRIES), v.get(BACKOFF), v.get(MAX_BACKOFF), v.get(MAX_RETRY_AFTER)),
          MAX_RETRIES,
          BACKOFF,
          MAX_BACKOFF,
          MAX_RETRY_AFTER);

  /** Validates the fields. */
  public RetrySettings {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("retries must not be negative, got " + maxRetries);
    }
    ConfigDurations.positive(backoff, "retry backoff");
    ConfigDurations.positive(maxBackoff, "retry max-backoff");
    ConfigDurations.positive(maxRetryAfter, "retry max-retry-after");
  }

  /** Reads the {@code fetchpipe.pool.retry} section of a full config. */
  public static RetrySettings create(Config root) {
    return KEYS.read(root);
  }

  /** The library's defaults: {@code fetchpipe.pool.retry} as {@code reference.conf} has it. */
  public static RetrySettings defaults() {
    return KEYS.defaults();
  }

  /**
   * These settings as the {@code fetchpipe.pool.retry} section of a config, which {@link
   * #create(Config)} reads back to equal settings.
   */
  public Config toConfig() {
    return KEYS.write(this);
  }

  /** The table of keys behind reading, writing and copying. */
  static SettingsTable<RetrySettings> keys() {
    return KEYS;
  }

  /** A copy with another retry count. */
  public RetrySettings withMaxRetries(int value) {
    return KEYS.with(this, MAX_RETRIES, value);
  }

  /** A copy with another backoff base. */
  public RetrySettings withBackoff(Duration value) {
    return KEYS.with(this, BACKOFF, value);
  }

  /** A copy with another cap of the exponential backoff. */
  public RetrySettings withMaxBackoff(Duration value) {
    return KEYS.with(this, MAX_BACKOFF, value);
  }

  /** A copy with another cap of a server-requested wait ({@code Retry-After}). */
  public RetrySettings withMaxRetryAfter(Duration value) {
    return KEYS.with(this, MAX_RETRY_AFTER, value);
  }

  /**
   * How long to wait before retry number {@code retry} (1 for the first retry).
   *
   * @param retry 1-based retry number
   * @param requested the server's requested wait, or null
   * @param random source of the jitter
   */
  public Duration delayBefore(int retry, Duration requested, Random random) {
    if (requested != null) {
      Duration nonNegative = requested.isNegative() ? Duration.ZERO : requested;
      return nonNegative.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : nonNegative;
    }
    long capNanos = maxBackoff.toNanos();
    long ceiling = backoff.toNanos();
    for (int i = 1; i < retry && ceiling < capNanos; i++) {
      ceiling = ceiling > capNanos / 2 ? capNanos : ceiling * 2;
    }
    ceiling = Math.min(ceiling, capNanos);
    return Duration.ofNanos((long) (random.nextDouble() * ceiling));
  }
}
