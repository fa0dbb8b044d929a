package io.fetchpipe.core;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * How a pool ({@link JobPool}, {@link TaskPool}, the fetcher) runs work: the concurrency cap (the
 * Semaphore's size), an optional cap per key (e.g. per host), the start rate, retries, limits
 * per key that adapt to their servers, the router's queue, the default per-task timeout and how
 * long closing may take. Defaults come from {@code fetchpipe.pool} in {@code reference.conf};
 * override them in {@code application.conf} or in code with the {@code withX} methods, which
 * return changed copies.
 */
public final class PoolSettings {
  private static final String PATH = "fetchpipe.pool";

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

  private PoolSettings(Fields f) {
    if (f.maxConcurrency < 1) {
      throw new IllegalArgumentException("max-concurrency must be at least 1, got " + f.maxConcurrency);
    }
    if (f.maxPerKey < 0) {
      throw new IllegalArgumentException("max-per-key must not be negative, got " + f.maxPerKey);
    }
    if (f.queueCapacity < 1) {
      throw new IllegalArgumentException("queue-capacity must be at least 1, got " + f.queueCapacity);
    }
    if (f.submitBatch < 1 || f.submitBatch > f.queueCapacity) {
      throw new IllegalArgumentException("submit-batch must be between 1 and queue-capacity ("
          + f.queueCapacity + "), got " + f.submitBatch);
    }
    this.maxConcurrency = f.maxConcurrency;
    this.maxPerKey = f.maxPerKey;
    this.rate = Objects.requireNonNull(f.rate, "rate");
    this.maxRatePerKey = Objects.requireNonNull(f.maxRatePerKey, "max-rate-per-key");
    this.rateTick = ConfigDurations.positive(f.rateTick, "rate.tick");
    this.retry = Objects.requireNonNull(f.retry, "retry");
    this.adaptive = Objects.requireNonNull(f.adaptive, "adaptive");
    this.queueCapacity = f.queueCapacity;
    this.submitBatch = f.submitBatch;
    this.taskTimeout = f.taskTimeout == null ? null : ConfigDurations.positive(f.taskTimeout, "task-timeout");
    this.dispatcher = Objects.requireNonNull(f.dispatcher, "dispatcher");
    this.closeTimeout = ConfigDurations.positive(f.closeTimeout, "close-timeout");
  }

  /** Reads the settings from the {@code fetchpipe.pool} section of the system's config. */
  public static PoolSettings create(ActorSystem<?> system) {
    return create(system.settings().config());
  }

  /** Reads the settings from the {@code fetchpipe.pool} section of a full config. */
  public static PoolSettings create(Config root) {
    Config c = root.getConfig(PATH);
    Fields f = new Fields();
    f.maxConcurrency = c.getInt("max-concurrency");
    f.maxPerKey = c.getInt("max-per-key");
    int starts = c.getInt("rate.starts");
    f.rate = starts == 0
        ? RateLimit.unlimited()
        : new RateLimit(starts, c.getDuration("rate.per"), c.getInt("rate.burst"));
    f.rateTick = c.getDuration("rate.tick");
    String perKey = c.getString("max-rate-per-key").trim();
    f.maxRatePerKey = perKey.equalsIgnoreCase("off") ? RateLimit.unlimited() : RateLimit.parse(perKey);
    f.retry = RetrySettings.create(c.getConfig("retry"));
    f.adaptive = AdaptiveSettings.create(c.getConfig("adaptive"));
    f.queueCapacity = c.getInt("queue-capacity");
    f.submitBatch = c.getInt("submit-batch");
    f.taskTimeout = ConfigDurations.optional(c, "task-timeout").orElse(null);
    f.dispatcher = c.getString("dispatcher");
    f.closeTimeout = c.getDuration("close-timeout");
    return new PoolSettings(f);
  }

  /** Most tasks in flight at once, across all gathers of one pool. */
  public int maxConcurrency() {
    return maxConcurrency;
  }

  /** Most tasks in flight at once with the same key (see {@link JobHandler#limitKey}); 0: no limit. */
  public int maxPerKey() {
    return maxPerKey;
  }

  /** Limit on task starts (every attempt counts). */
  public RateLimit rate() {
    return rate;
  }

  /**
   * Limit on starts per key (for fetches: per host), each key's starts evenly spaced while other
   * keys keep flowing; every attempt counts. A key's first job runs alone until it has an
   * outcome, so the slow first request of a fresh process does not let the starts queued behind
   * it reach the host together. {@link RateLimit#unlimited()} for none.
   */
  public RateLimit maxRatePerKey() {
    return maxRatePerKey;
  }

  /** A copy with another rate per key ({@link RateLimit#unlimited()} for none). */
  public PoolSettings withMaxRatePerKey(RateLimit value) {
    return with(f -> f.maxRatePerKey = value);
  }

  /** Resolution of the rate limiter's refill timer (the scheduler's tick is 10 ms by default). */
  public Duration rateTick() {
    return rateTick;
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
    return with(f -> f.adaptive = value);
  }

  /** A copy whose per-key limits adapt to their servers (or not), otherwise as configured. */
  public PoolSettings withAdaptive(boolean enabled) {
    return with(f -> f.adaptive = f.adaptive.withEnabled(enabled));
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
    return with(f -> f.closeTimeout = value);
  }

  /** A copy whose actors run on another dispatcher (a config path, or {@code "default"}). */
  public PoolSettings withDispatcher(String value) {
    return with(f -> f.dispatcher = value);
  }

  /** A copy with another concurrency cap. */
  public PoolSettings withMaxConcurrency(int value) {
    return with(f -> f.maxConcurrency = value);
  }

  /** A copy with another cap per key (0: none). */
  public PoolSettings withMaxPerKey(int value) {
    return with(f -> f.maxPerKey = value);
  }

  /** A copy with another rate limit ({@link RateLimit#unlimited()} for none). */
  public PoolSettings withRate(RateLimit value) {
    return with(f -> f.rate = value);
  }

  /** A copy with other retry settings. */
  public PoolSettings withRetry(RetrySettings value) {
    return with(f -> f.retry = value);
  }

  /** A copy with another router queue capacity; the submit batch shrinks to fit if needed. */
  public PoolSettings withQueueCapacity(int value) {
    return with(f -> {
      f.queueCapacity = value;
      f.submitBatch = Math.min(f.submitBatch, Math.max(1, value));
    });
  }

  /** A copy with another submit batch size. */
  public PoolSettings withSubmitBatch(int value) {
    return with(f -> f.submitBatch = value);
  }

  /** A copy with a default per-task timeout. */
  public PoolSettings withTaskTimeout(Duration value) {
    Objects.requireNonNull(value, "task timeout");
    return with(f -> f.taskTimeout = value);
  }

  /** A copy without a default per-task timeout. */
  public PoolSettings withoutTaskTimeout() {
    return with(f -> f.taskTimeout = null);
  }

  private PoolSettings with(Consumer<Fields> change) {
    Fields f = new Fields();
    f.maxConcurrency = maxConcurrency;
    f.maxPerKey = maxPerKey;
    f.rate = rate;
    f.maxRatePerKey = maxRatePerKey;
    f.rateTick = rateTick;
    f.retry = retry;
    f.adaptive = adaptive;
    f.queueCapacity = queueCapacity;
    f.submitBatch = submitBatch;
    f.taskTimeout = taskTimeout;
    f.dispatcher = dispatcher;
    f.closeTimeout = closeTimeout;
    change.accept(f);
    return new PoolSettings(f);
  }

  @Override
  public String toString() {
    return "PoolSettings(maxConcurrency=" + maxConcurrency + ", maxPerKey=" + maxPerKey + ", rate=" + rate
        + ", maxRatePerKey=" + maxRatePerKey + ", retry=" + retry + ", adaptive=" + adaptive
        + ", queueCapacity=" + queueCapacity
        + ", submitBatch=" + submitBatch + ", taskTimeout=" + (taskTimeout == null ? "off" : taskTimeout) + ")";
  }

  /** The mutable scratch copy behind the withX methods. */
  private static final class Fields {
    int maxConcurrency;
    int maxPerKey;
    RateLimit rate;
    RateLimit maxRatePerKey;
    Duration rateTick;
    RetrySettings retry;
    AdaptiveSettings adaptive;
    int queueCapacity;
    int submitBatch;
    Duration taskTimeout;
    String dispatcher;
    Duration closeTimeout;
  }
}
