package io.fetchpipe.core;

import com.typesafe.config.Config;
import io.fetchpipe.core.internal.SettingKey;
import io.fetchpipe.core.internal.SettingsTable;

/**
 * Limits per key (for fetches: per host) that follow what the key's server says, additive increase
 * and multiplicative decrease (AIMD) as TCP does: an attempt that fails as congestion (for fetches:
 * a 429 or 503 answer, a {@code timeout} or a {@code connect} failure) halves that key's allowed
 * concurrency and start rate, down to one; each run of {@code successRun} successes in a row grows
 * them back by one step (one more in flight, one more start per second), up to the pool's own
 * limits ({@code max-per-key} or {@code max-concurrency}, {@code max-rate-per-key}). A server's
 * {@code Retry-After} pauses the whole key, and rate-limit headers pace it before it has to refuse
 * (see the fetcher's documentation). The first request to a key goes alone, and so does the first
 * after a pause: what it hears back sets the pace of the rest.
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
  private static final SettingKey<AdaptiveSettings, Boolean> ENABLED =
      SettingKey.ofBoolean("enabled", AdaptiveSettings::enabled);
  private static final SettingKey<AdaptiveSettings, Integer> SUCCESS_RUN =
      SettingKey.ofInt("success-run", AdaptiveSettings::successRun);
  private static final SettingKey<AdaptiveSettings, Integer> THROTTLED_RETRIES =
      SettingKey.ofInt("throttled-retries", AdaptiveSettings::throttledRetries);
  private static final SettingKey<AdaptiveSettings, Integer> MAX_KEYS =
      SettingKey.ofInt("max-keys", AdaptiveSettings::maxKeys);
  private static final SettingsTable<AdaptiveSettings> KEYS =
      SettingsTable.of(
          "fetchpipe.pool.adaptive",
          v ->
              new AdaptiveSettings(
                  v.get(ENABLED), v.get(SUCCESS_RUN), v.get(THROTTLED_RETRIES), v.get(MAX_KEYS)),
          ENABLED,
          SUCCESS_RUN,
          THROTTLED_RETRIES,
          MAX_KEYS);

  /** Validates the fields. */
  public AdaptiveSettings {
    if (successRun < 1) {
      throw new IllegalArgumentException(
          "adaptive success-run must be at least 1, got " + successRun);
    }
    if (throttledRetries < 0) {
      throw new IllegalArgumentException(
          "adaptive throttled-retries must not be negative, got " + throttledRetries);
    }
    if (maxKeys < 1) {
      throw new IllegalArgumentException("adaptive max-keys must be at least 1, got " + maxKeys);
    }
  }

  /** Reads the {@code fetchpipe.pool.adaptive} section of a full config. */
  public static AdaptiveSettings create(Config root) {
    return KEYS.read(root);
  }

  /** The library's defaults: {@code fetchpipe.pool.adaptive} as {@code reference.conf} has it. */
  public static AdaptiveSettings defaults() {
    return KEYS.defaults();
  }

  /**
   * These settings as the {@code fetchpipe.pool.adaptive} section of a config, which {@link
   * #create(Config)} reads back to equal settings.
   */
  public Config toConfig() {
    return KEYS.write(this);
  }

  /** The table of keys behind reading, writing and copying. */
  static SettingsTable<AdaptiveSettings> keys() {
    return KEYS;
  }

  /** A copy switched on or off. */
  public AdaptiveSettings withEnabled(boolean value) {
    return KEYS.with(this, ENABLED, value);
  }

  /** A copy with another run of successes per step of growth. */
  public AdaptiveSettings withSuccessRun(int value) {
    return KEYS.with(this, SUCCESS_RUN, value);
  }

  /** A copy with another number of extra attempts for throttled requests. */
  public AdaptiveSettings withThrottledRetries(int value) {
    return KEYS.with(this, THROTTLED_RETRIES, value);
  }

  /** A copy that remembers the adapted limits of another number of keys. */
  public AdaptiveSettings withMaxKeys(int value) {
    return KEYS.with(this, MAX_KEYS, value);
  }
}
