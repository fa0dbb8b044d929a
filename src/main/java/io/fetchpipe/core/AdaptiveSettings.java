package io.fetchpipe.core;

import com.typesafe.config.Config;

/**
 * Limits per key (for fetches: per host) that follow what the key's server says, additive
 * increase and multiplicative decrease (AIMD) as TCP does: an attempt that fails as congestion
 * (for fetches: a 429 or 503 answer, a {@code timeout} or a {@code connect} failure) halves that
 * key's allowed concurrency and start rate, down to one; each run of {@code successRun}
 * successes in a row grows them back by one step (one more in flight, one more start per second),
 * up to the pool's own limits ({@code max-per-key} or {@code max-concurrency}, {@code
 * max-rate-per-key}). A server's {@code Retry-After} pauses the whole key, and rate-limit headers
 * pace it before it has to refuse (see the fetcher's documentation). The first request to a key
 * goes alone, and so does the first after a pause: what it hears back sets the pace of the rest.
 *
 * @param enabled whether the pool adapts at all (off: the pool's limits are fixed)
 * @param successRun successes in a row that grow a key's limits by one step
 * @param throttledRetries extra attempts of a request answered "slow down" (for fetches: 429 or
 *     503), on top of the retry settings' own, so that a throttled request is retried after the
 *     key's pause rather than reported as throttled
 * @param maxKeys keys whose adapted limits are remembered; past it the least recently used key
 *     starts again from the pool's own limits
 */
public record AdaptiveSettings(boolean enabled, int successRun, int throttledRetries, int maxKeys) {

  /** Validates the fields. */
  public AdaptiveSettings {
    if (successRun < 1) {
      throw new IllegalArgumentException("adaptive success-run must be at least 1, got " + successRun);
    }
    if (throttledRetries < 0) {
      throw new IllegalArgumentException("adaptive throttled-retries must not be negative, got " + throttledRetries);
    }
    if (maxKeys < 1) {
      throw new IllegalArgumentException("adaptive max-keys must be at least 1, got " + maxKeys);
    }
  }

  /** Reads {@code enabled}, {@code success-run}, {@code throttled-retries} and {@code max-keys}. */
  public static AdaptiveSettings create(Config config) {
    return new AdaptiveSettings(
        config.getBoolean("enabled"),
        config.getInt("success-run"),
        config.getInt("throttled-retries"),
        config.getInt("max-keys"));
  }

  /** A copy switched on or off. */
  public AdaptiveSettings withEnabled(boolean value) {
    return new AdaptiveSettings(value, successRun, throttledRetries, maxKeys);
  }

  /** A copy with another run of successes per step of growth. */
  public AdaptiveSettings withSuccessRun(int value) {
    return new AdaptiveSettings(enabled, value, throttledRetries, maxKeys);
  }

  /** A copy with another number of extra attempts for throttled requests. */
  public AdaptiveSettings withThrottledRetries(int value) {
    return new AdaptiveSettings(enabled, successRun, value, maxKeys);
  }
}
