package io.fetchpipe.core;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A unit of asynchronous work: when started it returns a {@link CompletionStage} of its result,
 * like calling an {@code async def} coroutine function. Creating a task does not run it; a {@link
 * TaskPool} starts it when a concurrency slot (and a rate token) is free.
 *
 * <p>A task must not block the calling thread: it runs on an actor's thread, like a coroutine on
 * the event loop. Blocking work belongs on a dedicated executor (see the README's "Blocking work").
 *
 * <p>Cancellation: when a task is cancelled or times out, its stage is cancelled ({@code
 * toCompletableFuture().cancel(true)}) and the hooks registered with {@link
 * TaskContext#onCancel(Runnable)} run, so the task can release what it holds.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface Task<T> {

  /**
   * Starts the work. Called at most once per submission, on an actor thread.
   *
   * @param context the item's index and its cancellation signal
   * @return the eventual result; a failed stage (or an exception thrown here) becomes a failure
   *     {@link Outcome}, and a {@link RetryableFailure}, returned or thrown, is retried
   */
  CompletionStage<T> start(TaskContext context);

  /** A task that ignores its context: {@code Task.of(() -> client.get(url))}. */
  static <T> Task<T> of(Supplier<? extends CompletionStage<T>> work) {
    return context -> work.get();
  }
}
