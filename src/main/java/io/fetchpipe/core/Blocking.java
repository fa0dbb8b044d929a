package io.fetchpipe.core;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;

/**
 * The seed's "offload with run_in_executor": runs blocking or CPU-heavy code on the dedicated
 * {@code fetchpipe.blocking-dispatcher}, so it never starves the threads the actors run on. Use it
 * inside a task: {@code Task.of(() -> Blocking.run(system, () -> jdbc.query(...)))}.
 */
public final class Blocking {
  /** Config path of the dispatcher used for blocking work. */
  public static final String DISPATCHER = "fetchpipe.blocking-dispatcher";

  private Blocking() {}

  /**
   * Runs {@code work} on the blocking dispatcher; the stage completes with its result or exception.
   */
  public static <T> CompletionStage<T> run(ActorSystem<?> system, Callable<T> work) {
    return CompletableFuture.supplyAsync(() -> call(work), executor(system));
  }

  /** The blocking dispatcher as an executor. */
  public static Executor executor(ActorSystem<?> system) {
    return system.dispatchers().lookup(DispatcherSelector.fromConfig(DISPATCHER));
  }

  private static <T> T call(Callable<T> work) {
    try {
      return work.call();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new CompletionException(e);
    }
  }
}
