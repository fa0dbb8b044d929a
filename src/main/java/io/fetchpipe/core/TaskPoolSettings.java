package io.fetchpipe.core;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * How a {@link TaskPool} runs work: the concurrency cap (the Semaphore's size), the start rate,
 * the router's queue and the default per-task timeout. Defaults come from {@code
 * fetchpipe.pool} in {@code reference.conf}; override them in {@code application.conf} or in code
 * with the {@code withX} methods, which return changed copies.
 */
public final class TaskPoolSettings {
  private static final String PATH = "fetchpipe.pool";

  private final int maxConcurrency;
  private final RateLimit rate;
  private final Duration rateTick;
  private final int queueCapacity;
  private final int submitBatch;
  private final Duration taskTimeout; // null: no timeout

  private TaskPoolSettings(
      int maxConcurrency,
      RateLimit rate,
      Duration rateTick,
      int queueCapacity,
      int submitBatch,
      Duration taskTimeout) {
    if (maxConcurrency < 1) {
      throw new IllegalArgumentException("max-concurrency must be at least 1, got " + maxConcurrency);
    }
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queue-capacity must be at least 1, got " + queueCapacity);
    }
    if (submitBatch < 1 || submitBatch > queueCapacity) {
      throw new IllegalArgumentException(
          "submit-batch must be between 1 and queue-capacity (" + queueCapacity + "), got " + submitBatch);
    }
    this.maxConcurrency = maxConcurrency;
    this.rate = Objects.requireNonNull(rate, "rate");
    this.rateTick = ConfigDurations.positive(rateTick, "rate.tick");
    this.queueCapacity = queueCapacity;
    this.submitBatch = submitBatch;
    this.taskTimeout = taskTimeout == null ? null : ConfigDurations.positive(taskTimeout, "task-timeout");
  }

  /** Reads the settings from the {@code fetchpipe.pool} section of the system's config. */
  public static TaskPoolSettings create(ActorSystem<?> system) {
    return create(system.settings().config());
  }

  /** Reads the settings from the {@code fetchpipe.pool} section of a full config. */
  public static TaskPoolSettings create(Config root) {
    Config c = root.getConfig(PATH);
    int starts = c.getInt("rate.starts");
    RateLimit rate =
        starts == 0
            ? RateLimit.unlimited()
            : new RateLimit(starts, c.getDuration("rate.per"), c.getInt("rate.burst"));
    return new TaskPoolSettings(
        c.getInt("max-concurrency"),
        rate,
        c.getDuration("rate.tick"),
        c.getInt("queue-capacity"),
        c.getInt("submit-batch"),
        ConfigDurations.optional(c, "task-timeout").orElse(null));
  }

  /** Most tasks in flight at once, across all gathers of one pool. */
  public int maxConcurrency() {
    return maxConcurrency;
  }

  /** Limit on task starts. */
  public RateLimit rate() {
    return rate;
  }

  /** Resolution of the rate limiter's refill timer (the scheduler's tick is 10 ms by default). */
  public Duration rateTick() {
    return rateTick;
  }

  /** How many submitted tasks may wait in the router for a slot. */
  public int queueCapacity() {
    return queueCapacity;
  }

  /** How many tasks a gather hands to the router per message. */
  public int submitBatch() {
    return submitBatch;
  }

  /** Default timeout per task, or empty for none. */
  public Optional<Duration> taskTimeout() {
    return Optional.ofNullable(taskTimeout);
  }

  /** A copy with another concurrency cap. */
  public TaskPoolSettings withMaxConcurrency(int value) {
    return new TaskPoolSettings(value, rate, rateTick, queueCapacity, submitBatch, taskTimeout);
  }

  /** A copy with another rate limit ({@link RateLimit#unlimited()} for none). */
  public TaskPoolSettings withRate(RateLimit value) {
    return new TaskPoolSettings(maxConcurrency, value, rateTick, queueCapacity, submitBatch, taskTimeout);
  }

  /** A copy with another router queue capacity; the submit batch shrinks to fit if needed. */
  public TaskPoolSettings withQueueCapacity(int value) {
    return new TaskPoolSettings(
        maxConcurrency, rate, rateTick, value, Math.min(submitBatch, Math.max(1, value)), taskTimeout);
  }

  /** A copy with another submit batch size. */
  public TaskPoolSettings withSubmitBatch(int value) {
    return new TaskPoolSettings(maxConcurrency, rate, rateTick, queueCapacity, value, taskTimeout);
  }

  /** A copy with a default per-task timeout. */
  public TaskPoolSettings withTaskTimeout(Duration value) {
    return new TaskPoolSettings(
        maxConcurrency, rate, rateTick, queueCapacity, submitBatch, Objects.requireNonNull(value));
  }

  /** A copy without a default per-task timeout. */
  public TaskPoolSettings withoutTaskTimeout() {
    return new TaskPoolSettings(maxConcurrency, rate, rateTick, queueCapacity, submitBatch, null);
  }

  @Override
  public String toString() {
    return "TaskPoolSettings(maxConcurrency=" + maxConcurrency + ", rate=" + rate
        + ", queueCapacity=" + queueCapacity + ", submitBatch=" + submitBatch
        + ", taskTimeout=" + (taskTimeout == null ? "off" : taskTimeout) + ")";
  }
}
