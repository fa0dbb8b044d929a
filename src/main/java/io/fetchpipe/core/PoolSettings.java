package io.fetchpipe.core;

import com.typesafe.config.Config;
import io.fetchpipe.core.internal.SettingKey;
import io.fetchpipe.core.internal.SettingsTable;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * How a pool ({@link JobPool}, {@link TaskPool}, the fetcher) runs work: the concurrency cap (the
 * Semaphore's size), an optional cap per key (e.g. per host), the start rate, retries, limits per
 * key that adapt to their servers, the router's queue, the default per-task timeout and how long
 * closing may take. Defaults come from {@code fetchpipe.pool} in {@code reference.conf}; override
 * them in {@code application.conf} or in code with the {@code withX} methods (one for every key),
 * which return changed copies; {@link #toConfig()} writes them back as config.
 */
public final class PoolSettings {
  private static final SettingKey<PoolSettings, Integer> MAX_CONCURRENCY =
      SettingKey.ofInt("max-concurrency", PoolSettings::maxConcurrency);
  private static final SettingKey<PoolSettings, Integer> MAX_PER_KEY =
      SettingKey.ofInt("max-per-key", PoolSettings::maxPerKey);
  private static final SettingKey<PoolSettings, RateLimit> MAX_RATE_PER_KEY =
      SettingKey.of(
          "max-rate-per-key", RateConfig::rate, RateConfig::text, PoolSettings::maxRatePerKey);
  private static final SettingKey<PoolSettings, RetrySettings> RETRY =
      SettingKey.ofSection("retry", RetrySettings.keys(), PoolSettings::retry);
  private static final SettingKey<PoolSettings, AdaptiveSettings> ADAPTIVE =
      SettingKey.ofSection("adaptive", AdaptiveSettings.keys(), PoolSettings::adaptive);
  private static final SettingKey<PoolSettings, RateLimit> RATE =
      SettingKey.of("rate", RateConfig::rate, RateConfig::text, PoolSettings::rate);
  private static final SettingKey<PoolSettings, Integer> RATE_BURST =
      SettingKey.of(
          "rate-burst", RateConfig::burst, value -> value, settings -> settings.rate().burst());
  private static final SettingKey<PoolSettings, Duration> RATE_TICK =
      SettingKey.of(
          "rate-tick", RateConfig::tick, SettingKey::durationText, PoolSettings::rateTick);
  private static final SettingKey<PoolSettings, Integer> QUEUE_CAPACITY =
      SettingKey.ofInt("queue-capacity", PoolSettings::queueCapacity);
  private static final SettingKey<PoolSettings, Integer> SUBMIT_BATCH =
      SettingKey.ofInt("submit-batch", PoolSettings::submitBatch);
  private static final SettingKey<PoolSettings, Optional<Duration>> TASK_TIMEOUT =
      SettingKey.ofOptionalDuration("task-timeout", PoolSettings::taskTimeout);
  private static final SettingKey<PoolSettings, String> DISPATCHER =
      SettingKey.ofString("dispatcher", PoolSettings::dispatcher);
  private static final SettingKey<PoolSettings, Duration> CLOSE_TIMEOUT =
      SettingKey.ofDuration("close-timeout", PoolSettings::closeTimeout);
  private static final SettingsTable<PoolSettings> KEYS =
      SettingsTable.of(
          "fetchpipe.pool",
          PoolSettings::new,
          MAX_CONCURRENCY,
          MAX_PER_KEY,
          MAX_RATE_PER_KEY,
          RETRY,
          ADAPTIVE,
          RATE,
          RATE_BURST,
          RATE_TICK,
          QUEUE_CAPACITY,
          SUBMIT_BATCH,
          TASK_TIMEOUT,
          DISPATCHER,
          CLOSE_TIMEOUT);

  private final int maxConcurrency;
  private final int maxPerKey;
  private final RateLimit rate;
  private final RateLimit maxRatePerKey;
  private final Duration rateTick;
  private final RetrySettings retry;
  private final AdaptiveSettings adaptive;
  private final int queueCapacity;
  private final int submitBatch;
  private final Duration taskTimeout; // null: no timeout
  private final String dispatcher; // config path, or "default"
  private final Duration closeTimeout;

  private PoolSettings(SettingsTable.Values<PoolSettings> v) {
    this.maxConcurrency = v.get(MAX_CONCURRENCY);
    this.maxPerKey = v.get(MAX_PER_KEY);
    this.queueCapacity = v.get(QUEUE_CAPACITY);
    this.submitBatch = v.get(SUBMIT_BATCH);
    if (maxConcurrency < 1) {
      throw new IllegalArgumentException(
          "max-concurrency must be at least 1, got " + maxConcurrency);
    }
    if (maxPerKey < 0) {
      throw new IllegalArgumentException("max-per-key must not be negative, got " + maxPerKey);
    }
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queue-capacity must be at least 1, got " + queueCapacity);
    }
    if (submitBatch < 1 || submitBatch > queueCapacity) {
      throw new IllegalArgumentException(
          "submit-batch must be between 1 and queue-capacity ("
              + queueCapacity
              + "), got "
              + submitBatch);
    }
    RateLimit starts = Objects.requireNonNull(v.get(RATE), "rate");
    this.rate =
        (starts.isUnlimited() ? RateLimit.unlimited() : starts).withBurst(v.get(RATE_BURST));
    RateLimit perKey = Objects.requireNonNull(v.get(MAX_RATE_PER_KEY), "max-rate-per-key");
    // A key's starts are evenly spaced, never in bursts: the bucket's size does not apply to them.
    this.maxRatePerKey = perKey.isUnlimited() ? RateLimit.unlimited() : perKey.withBurst(1);
    this.rateTick = ConfigDurations.positive(v.get(RATE_TICK), "rate-tick");
    this.retry = Objects.requireNonNull(v.get(RETRY), "retry");
    this.adaptive = Objects.requireNonNull(v.get(ADAPTIVE), "adaptive");
    Optional<Duration> timeout = Objects.requireNonNull(v.get(TASK_TIMEOUT), "task-timeout");
    this.taskTimeout =
        timeout.map(value -> ConfigDurations.positive(value, "task-timeout")).orElse(null);
    this.dispatcher = Objects.requireNonNull(v.get(DISPATCHER), "dispatcher");
    this.closeTimeout = ConfigDurations.positive(v.get(CLOSE_TIMEOUT), "close-timeout");
  }

  /** Reads the settings from the {@code fetchpipe.pool} section of the system's config. */
  public static PoolSettings create(ActorSystem<?> system) {
    return create(system.settings().config());
  }

  /** Reads the settings from the {@code fetchpipe.pool} section of a full config. */
  public static PoolSettings create(Config root) {
    return KEYS.read(root);
  }

  /** The library's defaults: {@code fetchpipe.pool} as {@code reference.conf} has it. */
  public static PoolSettings defaults() {
    return KEYS.defaults();
  }

  /**
   * These settings as the {@code fetchpipe.pool} section of a config, which {@link #create(Config)}
   * reads back to equal settings.
   */
  public Config toConfig() {
    return KEYS.write(this);
  }

  /** The table of keys behind reading, writing and copying. */
  static SettingsTable<PoolSettings> keys() {
    return KEYS;
  }

  /** Most tasks in flight at once, across all gathers of one pool. */
  public int maxConcurrency() {
    return maxConcurrency;
  }

  /**
   * Most tasks in flight at once with the same key (see {@link JobHandler#limitKey}); 0: no limit.
   */
  public int maxPerKey() {
    return maxPerKey;
  }

  /** Limit on task starts (every attempt counts). */
  public RateLimit rate() {
    return rate;
  }

  /**
   * Limit on starts per key (for fetches: per host), each key's starts evenly spaced while other
   * keys keep flowing; every attempt counts. A key's first job runs alone until it has an outcome,
   * so the slow first request of a fresh process does not let the starts queued behind it reach the
   * host together. {@link RateLimit#unlimited()} for none.
   */
  public RateLimit maxRatePerKey() {
    return maxRatePerKey;
  }

  /** A copy with another rate per key ({@link RateLimit#unlimited()} for none). */
  public PoolSettings withMaxRatePerKey(RateLimit value) {
    return KEYS.with(this, MAX_RATE_PER_KEY, value);
  }

  /** Resolution of the rate limiter's refill timer (the scheduler's tick is 10 ms by default). */
  public Duration rateTick() {
    return rateTick;
  }

  /** A copy with another resolution of the rate limiter's refill timer. */
  public PoolSettings withRateTick(Duration value) {
    return KEYS.with(this, RATE_TICK, value);
  }

  /**
   * A copy whose rate's bucket holds {@code value} starts (allowed back to back after an idle
   * period); the rate itself stays. Kept also while the rate is unlimited, for a rate set later.
   */
  public PoolSettings withRateBurst(int value) {
    return KEYS.with(this, RATE_BURST, value);
  }

  /** Retries of tasks that fail with a {@link RetryableFailure}. */
  public RetrySettings retry() {
    return retry;
  }

  /** Limits per key that follow what each key's server says (off by default). */
  public AdaptiveSettings adaptive() {
    return adaptive;
  }

  /** A copy with other adaptive limits. */
  public PoolSettings withAdaptive(AdaptiveSettings value) {
    return KEYS.with(this, ADAPTIVE, value);
  }

  /** A copy whose per-key limits adapt to their servers (or not), otherwise as configured. */
  public PoolSettings withAdaptive(boolean enabled) {
    return KEYS.with(this, ADAPTIVE, adaptive.withEnabled(enabled));
  }

  /** How many submitted tasks may wait in the router for a slot. */
  public int queueCapacity() {
    return queueCapacity;
  }

  /** How many tasks a gather hands to the router per message. */
  public int submitBatch() {
    return submitBatch;
  }

  /** Default timeout per task attempt, or empty for none. */
  public Optional<Duration> taskTimeout() {
    return Optional.ofNullable(taskTimeout);
  }

  /** Config path of the dispatcher the pool's actors run on, or {@code "default"}. */
  public String dispatcher() {
    return dispatcher;
  }

  /**
   * How long {@code close()} lets running work end and streams finish before it stops the pool's
   * actors regardless.
   */
  public Duration closeTimeout() {
    return closeTimeout;
  }

  /** A copy with another close timeout. */
  public PoolSettings withCloseTimeout(Duration value) {
    return KEYS.with(this, CLOSE_TIMEOUT, value);
  }

  /** A copy whose actors run on another dispatcher (a config path, or {@code "default"}). */
  public PoolSettings withDispatcher(String value) {
    return KEYS.with(this, DISPATCHER, value);
  }

  /** A copy with another concurrency cap. */
  public PoolSettings withMaxConcurrency(int value) {
    return KEYS.with(this, MAX_CONCURRENCY, value);
  }

  /** A copy with another cap per key (0: none). */
  public PoolSettings withMaxPerKey(int value) {
    return KEYS.with(this, MAX_PER_KEY, value);
  }

  /**
   * A copy with another rate limit ({@link RateLimit#unlimited()} for none): its rate is the {@code
   * rate} key, its burst the {@code rate-burst} key.
   */
  public PoolSettings withRate(RateLimit value) {
    return KEYS.copy(this, v -> v.with(RATE, value).with(RATE_BURST, value.burst()));
  }

  /** A copy with other retry settings. */
  public PoolSettings withRetry(RetrySettings value) {
    return KEYS.with(this, RETRY, value);
  }

  /** A copy with another router queue capacity; the submit batch shrinks to fit if needed. */
  public PoolSettings withQueueCapacity(int value) {
    return KEYS.copy(
        this,
        v ->
            v.with(QUEUE_CAPACITY, value)
                .with(SUBMIT_BATCH, Math.min(submitBatch, Math.max(1, value))));
  }

  /** A copy with another submit batch size. */
  public PoolSettings withSubmitBatch(int value) {
    return KEYS.with(this, SUBMIT_BATCH, value);
  }

  /** A copy with a default per-task timeout. */
  public PoolSettings withTaskTimeout(Duration value) {
    return KEYS.with(this, TASK_TIMEOUT, Optional.of(value));
  }

  /** A copy without a default per-task timeout. */
  public PoolSettings withoutTaskTimeout() {
    return KEYS.with(this, TASK_TIMEOUT, Optional.empty());
  }

  @Override
  public boolean equals(Object other) {
    return KEYS.equal(this, other);
  }

  @Override
  public int hashCode() {
    return KEYS.hash(this);
  }

  @Override
  public String toString() {
    return KEYS.describe(this);
  }
}
