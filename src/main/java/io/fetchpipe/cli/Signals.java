package io.fetchpipe.cli;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Whether the process is stopping because of SIGINT/SIGTERM (the JVM's shutdown hooks are running).
 */
final class Signals {
  private static volatile boolean stopping;
  private static final CountDownLatch NEVER = new CountDownLatch(1);
  private static final CountDownLatch DECIDED = new CountDownLatch(1);

  private Signals() {}

  static void markStopping() {
    stopping = true;
  }

  static boolean stopping() {
    return stopping;
  }

  /**
   * Ends a process stopped by a signal with {@code status} rather than the signal's: a worker that
   * left its cluster gracefully did what it was asked. Called once the work of shutting down is
   * done; the JVM's remaining shutdown hooks do not run.
   */
  static void exitAfterShutdown(int status) {
    decided();
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

  /** The main thread has its exit status and is about to exit (or halt) with it. */
  static void decided() {
    DECIDED.countDown();
  }

  /**
   * Lets the main thread give the status of a process stopped by a signal: a shutdown hook that,
   * once {@code shutDown} supplies a completed stage, waits up to {@code grace} for the main thread
   * to decide. Without it the JVM ends with the signal's status as soon as its other hooks return,
   * racing a main thread that was about to halt with its own.
   */
  static void letMainGiveTheStatus(Supplier<CompletionStage<?>> shutDown, Duration grace) {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  CompletionStage<?> stage = shutDown.get();
                  try {
                    if (stage != null) {
                      stage.toCompletableFuture().get(grace.toMillis(), TimeUnit.MILLISECONDS);
                    }
                    DECIDED.await(grace.toMillis(), TimeUnit.MILLISECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  } catch (Exception e) {
                    // The shutdown failed or took too long: the signal's status stands.
                  }
                },
                "fetchpipe-exit-status"));
  }
}
