package io.fetchpipe.core.internal;

import io.fetchpipe.core.TaskContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link TaskContext} of one run: cancelled at most once, then runs its hooks. */
final class Cancellation implements TaskContext {
  private static final Logger log = LoggerFactory.getLogger(Cancellation.class);

  private final int index;
  private final int attempt;
  private List<Runnable> hooks; // guarded by this; null once cancelled
  private volatile boolean cancelled;

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
    return cancelled;
  }

  @Override
  public void onCancel(Runnable hook) {
    synchronized (this) {
      if (!cancelled) {
        if (hooks == null) {
          hooks = new ArrayList<>(2);
        }
        hooks.add(hook);
        return;
      }
    }
    runSafely(hook);
  }

  /** Marks the run cancelled, runs the hooks and cancels the task's stage (if it is a future). */
  void cancel(CompletionStage<?> stage) {
    List<Runnable> toRun;
    synchronized (this) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      toRun = hooks;
      hooks = null;
    }
    if (toRun != null) {
      toRun.forEach(Cancellation::runSafely);
    }
    CompletableFuture<?> future = stage == null ? null : Stages.asFutureOrNull(stage);
    if (future != null) {
      future.cancel(true); // a stage that is no future cannot be cancelled; its hooks did what they could
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
