package io.fetchpipe.core.internal;

import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.TaskContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link TaskContext} of one run: cancelled at most once, then runs its hooks. */
final class Cancellation implements TaskContext {
  private static final Logger log = LoggerFactory.getLogger(Cancellation.class);

  private final int index;
  private final int attempt;
  private List<Runnable> hooks; // guarded by this; null once cancelled or released
  private boolean released; // guarded by this
  private volatile ErrorKind cancelledAs;

  Cancellation(int index, int attempt) {
    this.index = index;
    this.attempt = attempt;
  }

  @Override
  public int index() {
    return index;
  }

  @Override
  public int attempt() {
    return attempt;
  }

  @Override
  public boolean isCancelled() {
    return cancelledAs != null;
  }

  @Override
  public Optional<ErrorKind> cancellation() {
    return Optional.ofNullable(cancelledAs);
  }

  @Override
  public void onCancel(Runnable hook) {
    synchronized (this) {
      if (released) {
        return; // the run is over and was not cancelled: the hook would never run
      }
      if (cancelledAs == null) {
        if (hooks == null) {
          hooks = new ArrayList<>(2);
        }
        hooks.add(hook);
        return;
      }
    }
    runSafely(hook);
  }

  /**
   * Marks the run cancelled as {@code kind}, runs the hooks and cancels the task's stage (if it is
   * a future).
   */
  void cancel(CompletionStage<?> stage, ErrorKind kind) {
    List<Runnable> toRun;
    synchronized (this) {
      if (cancelledAs != null) {
        return;
      }
      cancelledAs = kind;
      toRun = hooks;
      hooks = null;
    }
    if (toRun != null) {
      toRun.forEach(Cancellation::runSafely);
    }
    CompletableFuture<?> future = stage == null ? null : Stages.asFutureOrNull(stage);
    if (future != null) {
      future.cancel(
          true); // a stage that is no future cannot be cancelled; its hooks did what they could
    }
  }

  /**
   * The run ended without being cancelled and never will be: its hooks are let go (they may hold
   * what the task produced), and later ones are not kept.
   */
  void release() {
    synchronized (this) {
      if (cancelledAs == null) {
        released = true;
        hooks = null;
      }
    }
  }

  private static void runSafely(Runnable hook) {
    try {
      hook.run();
    } catch (RuntimeException e) {
      log.warn("a cancellation hook threw; ignored", e);
    }
  }
}
