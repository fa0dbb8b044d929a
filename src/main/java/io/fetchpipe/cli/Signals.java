package io.fetchpipe.cli;

import java.util.concurrent.CountDownLatch;

/** Whether the process is stopping because of SIGINT/SIGTERM (the JVM's shutdown hooks are running). */
final class Signals {
  private static volatile boolean stopping;
  private static final CountDownLatch NEVER = new CountDownLatch(1);

  private Signals() {}

  static void markStopping() {
    stopping = true;
  }

  static boolean stopping() {
    return stopping;
  }

  /**
   * Ends a process stopped by a signal with {@code status} rather than the signal's: a worker
   * that left its cluster gracefully did what it was asked. Called once the work of shutting down
   * is done; the JVM's remaining shutdown hooks do not run.
   */
  static void exitAfterShutdown(int status) {
    Runtime.getRuntime().halt(status);
  }

  /** Parks the calling thread until the JVM halts at the end of its shutdown. */
  static void awaitExit() {
    try {
      NEVER.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
