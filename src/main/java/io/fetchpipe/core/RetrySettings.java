package io.fetchpipe.core;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Random;

/**
 * When and how soon a task that failed with a {@link RetryableFailure} is tried again: up to
 * {@code maxRetries} extra attempts, each after an exponential backoff with full jitter (a random
 * wait between zero and {@code min(maxBackoff, backoff × 2^(retry-1))}). A server's hint (e.g.
 * {@code Retry-After}) replaces the backoff, capped at {@code maxRetryAfter}. A task waiting to
 * be retried holds no concurrency slot.
 *
 * @param maxRetries extra attempts after the first (0: never retry)
 * @param backoff base of the exponential backoff
 * @param maxBackoff cap of the exponential backoff
 * @param maxRetryAfter cap of a server-requested wait
 */
public record RetrySettings(int maxRetries, Duration backoff, Duration maxBackoff, Duration maxRetryAfter) {

  /** Validates the fields. */
  public RetrySettings {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("retries must not be negative, got " + maxRetries);
    }
    ConfigDurations.positive(backoff, "retry backoff");
    ConfigDurations.positive(maxBackoff, "retry max-backoff");
    ConfigDurations.positive(maxRetryAfter, "retry max-retry-after");
  }

  /** Reads {@code max-retries}, {@code backoff}, {@code max-backoff}, {@code max-retry-after}. */
  public static RetrySettings create(Config config) {
    return new RetrySettings(
        config.getInt("max-retries"),
        config.getDuration("backoff"),
        config.getDuration("max-backoff"),
        config.getDuration("max-retry-after"));
  }

  /** A copy with another retry count. */
  public RetrySettings withMaxRetries(int value) {
    return new RetrySettings(value, backoff, maxBackoff, maxRetryAfter);
  }

  /** A copy with another backoff base. */
  public RetrySettings withBackoff(Duration value) {
    return new RetrySettings(maxRetries, value, maxBackoff, maxRetryAfter);
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
