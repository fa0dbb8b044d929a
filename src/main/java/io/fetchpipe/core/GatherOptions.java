package io.fetchpipe.core;

import java.time.Duration;
import java.util.Optional;

/**
 * Per-call options of a gather, an asCompleted or a flow: a per-task timeout that overrides the
 * pool's default; an overall deadline after which every unfinished item fails with {@link
 * ErrorKind#TIMEOUT} ({@code asyncio.wait_for} around the whole call, but without losing the
 * finished results; for a flow it counts from the first element); and fail-fast, where the first
 * failure cancels the rest (each still gets its outcome, kind {@link ErrorKind#CANCELLED}). {@code
 * gatherOrFail} is always fail-fast.
 */
public final class GatherOptions {
  private static final GatherOptions DEFAULTS = new GatherOptions(null, null, false);

  private final Duration taskTimeout;
  private final Duration deadline;
  private final boolean failFast;

  private GatherOptions(Duration taskTimeout, Duration deadline, boolean failFast) {
    this.taskTimeout = taskTimeout;
    this.deadline = deadline;
    this.failFast = failFast;
  }

  /** The pool's per-task timeout, no deadline, not fail-fast. */
  public static GatherOptions defaults() {
    return DEFAULTS;
  }

  /** A copy with a per-task timeout for this call. */
  public GatherOptions withTaskTimeout(Duration value) {
    return new GatherOptions(ConfigDurations.positive(value, "task timeout"), deadline, failFast);
  }

  /** A copy with an overall deadline. */
  public GatherOptions withDeadline(Duration value) {
    return new GatherOptions(taskTimeout, ConfigDurations.positive(value, "deadline"), failFast);
  }

  /** A copy where the first failure cancels the rest ({@code true}) or not. */
  public GatherOptions withFailFast(boolean value) {
    return new GatherOptions(taskTimeout, deadline, value);
  }

  /** The per-task timeout for this call, if set here. */
  public Optional<Duration> taskTimeout() {
    return Optional.ofNullable(taskTimeout);
  }

  /** The overall deadline, if any. */
  public Optional<Duration> deadline() {
    return Optional.ofNullable(deadline);
  }

  /** Whether the first failure cancels the rest. */
  public boolean failFast() {
    return failFast;
  }

  @Override
  public String toString() {
    return "GatherOptions(taskTimeout="
        + taskTimeout
        + ", deadline="
        + deadline
        + ", failFast="
        + failFast
        + ")";
  }
}
