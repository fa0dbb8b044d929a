package io.fetchpipe.core;

/**
 * What a running {@link Task} may know about its run: its position in the input and whether it
 * has been cancelled. Implementations are thread-safe.
 */
public interface TaskContext {

  /** The item's 0-based position in the gathered input. */
  int index();

  /** Which attempt this is: 1 for the first, 2 for the first retry, and so on. */
  int attempt();

  /** True once the task has been cancelled or has timed out; its outcome is already decided. */
  boolean isCancelled();

  /**
   * Registers a hook that runs once when the task is cancelled or times out (immediately, on the
   * calling thread, if that has already happened). Hooks must be quick and must not throw.
   */
  void onCancel(Runnable hook);
}
