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

  /** Parks the calling thread until the JVM halts at the end of its shutdown. */
  static void awaitExit() {
    try {
      NEVER.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
