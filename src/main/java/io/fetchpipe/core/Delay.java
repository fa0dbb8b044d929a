package io.fetchpipe.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Non-blocking waiting: {@code asyncio.sleep} on the actor system's scheduler. No thread is held
 * while waiting, and virtual time (Pekko's ManualTime) applies to it.
 */
public final class Delay {
  private Delay() {}

  /**
   * Completes with {@code value.get()} after {@code delay}. Cancelling the returned future cancels
   * the timer.
   */
  public static <T> CompletionStage<T> after(
      ActorSystem<?> system, Duration delay, Supplier<T> value) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Cancellable timer =
        system
            .scheduler()
            .scheduleOnce(delay, () -> completeWith(result, value), system.executionContext());
    result.whenComplete((v, e) -> timer.cancel());
    return result;
  }

  /** {@code asyncio.sleep(delay)}: completes with null after the delay. */
  public static CompletionStage<Void> sleep(ActorSystem<?> system, Duration delay) {
    return after(system, delay, () -> null);
  }

  private static <T> void completeWith(CompletableFuture<T> result, Supplier<T> value) {
    try {
      result.complete(value.get());
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
    }
  }
}
