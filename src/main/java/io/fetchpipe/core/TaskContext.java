package io.fetchpipe.core;

import io.fetchpipe.core.internal.FirstAttempt;
import java.util.Optional;

/**
 * What a running {@link Task} may know about its run: its position in the input, which attempt it
 * is and whether it has been cancelled. Implementations are thread-safe.
 */
public interface TaskContext {

  /** The item's 0-based position in its gather (or its element number in a flow). */
  int index();

  /** Which attempt this is: 1 for the first, 2 for the first retry, and so on. */
  int attempt();

  /** True once the task has been cancelled or has timed out; its outcome is already decided. */
  boolean isCancelled();

  /**
   * Why the task was cancelled: {@link ErrorKind#TIMEOUT} when it ran out of time, {@link
   * ErrorKind#CANCELLED} (or the kind its gather was stopped with) otherwise; empty while it runs.
   * Cancellation hooks can tell the two apart with it.
   */
  Optional<ErrorKind> cancellation();

  /**
   * Registers a hook that runs once when the task is cancelled or times out (immediately, on the
   * calling thread, if that has already happened). Hooks must be quick and must not throw.
   */
  void onCancel(Runnable hook);

  /**
   * The context of a first attempt that nothing cancels: for running a task or a {@link JobHandler}
   * outside a pool (a pipeline's consumer, a test, a benchmark).
   */
  static TaskContext firstAttempt(int index) {
    return new FirstAttempt(index);
  }
}
