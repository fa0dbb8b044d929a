package io.fetchpipe.core;

import java.time.Duration;
import java.util.Optional;

/**
 * Per-call options of a gather: a per-task timeout that overrides the pool's default, and an
 * overall deadline after which every unfinished item fails with {@link ErrorKind#TIMEOUT}
 * ({@code asyncio.wait_for} around the whole gather, but without losing the finished results).
 */
public final class GatherOptions {
  private static final GatherOptions DEFAULTS = new GatherOptions(null, null);

  private final Duration taskTimeout;
  private final Duration deadline;

  private GatherOptions(Duration taskTimeout, Duration deadline) {
    this.taskTimeout = taskTimeout;
    this.deadline = deadline;
  }

  /** The pool's per-task timeout and no deadline. */
  public static GatherOptions defaults() {
    return DEFAULTS;
  }

  /** A copy with a per-task timeout for this gather. */
  public GatherOptions withTaskTimeout(Duration value) {
    return new GatherOptions(ConfigDurations.positive(value, "task timeout"), deadline);
  }

  /** A copy with an overall deadline, counted from the call. */
  public GatherOptions withDeadline(Duration value) {
    return new GatherOptions(taskTimeout, ConfigDurations.positive(value, "deadline"));
  }

  /** The per-task timeout for this gather, if set here. */
  public Optional<Duration> taskTimeout() {
    return Optional.ofNullable(taskTimeout);
  }

  /** The overall deadline, if any. */
  public Optional<Duration> deadline() {
    return Optional.ofNullable(deadline);
  }
}
