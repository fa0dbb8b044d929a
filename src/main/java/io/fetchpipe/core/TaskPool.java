package io.fetchpipe.core;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Runs {@link Task}s concurrently on Pekko actors with asyncio's semantics and a shared
 * concurrency cap: every gather of one pool goes through one throttling router, so the pool
 * behaves like {@code asyncio.Semaphore(max-concurrency)} around every task, plus an optional
 * start rate.
 *
 * <table>
 *   <caption>asyncio and TaskPool</caption>
 *   <tr><th>asyncio</th><th>TaskPool</th></tr>
 *   <tr><td>{@code asyncio.create_task(coro)}</td><td>{@link #start(Task)}</td></tr>
 *   <tr><td>{@code asyncio.gather(*coros, return_exceptions=True)}</td><td>{@link #gather(List)}</td></tr>
 *   <tr><td>{@code asyncio.TaskGroup}</td><td>{@link #gatherOrFail(List)}</td></tr>
 *   <tr><td>{@code asyncio.as_completed(coros)}</td><td>{@link #asCompleted(List)}</td></tr>
 *   <tr><td>{@code asyncio.Semaphore(n)}</td><td>{@link TaskPoolSettings#withMaxConcurrency(int)}</td></tr>
 *   <tr><td>{@code asyncio.wait_for(gather(...), t)}</td><td>{@link GatherOptions#withDeadline(Duration)}</td></tr>
 *   <tr><td>{@code asyncio.run(main())}</td><td>{@link #gatherBlocking(List, Duration)}</td></tr>
 * </table>
 *
 * <p>Unlike asyncio, nothing runs until submitted, and a finished gather never loses an item:
 * every input gets exactly one {@link Outcome}.
 */
public final class TaskPool implements AutoCloseable {
  private final JobPool<Task<?>, Object> pool;

  private TaskPool(JobPool<Task<?>, Object> pool) {
    this.pool = pool;
  }

  /** A pool on the caller's actor system with settings from its config ({@code fetchpipe.pool}). */
  public static TaskPool create(ActorSystem<?> system) {
    return create(system, TaskPoolSettings.create(system));
  }

  /** A pool on the caller's actor system with explicit settings. */
  public static TaskPool create(ActorSystem<?> system, TaskPoolSettings settings) {
    return new TaskPool(JobPool.create(system, settings, TaskPool::startTask));
  }

  /**
   * A pool with an actor system of its own (named {@code fetchpipe}, config from {@code
   * application.conf} and {@code reference.conf}); {@link #close()} terminates it.
   */
  public static TaskPool create() {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "fetchpipe");
    return new TaskPool(JobPool.createOwning(system, TaskPoolSettings.create(system), TaskPool::startTask));
  }

  @SuppressWarnings("unchecked")
  private static CompletionStage<Object> startTask(Task<?> task, TaskContext context) {
    return (CompletionStage<Object>) task.start(context);
  }

  /** The settings this pool runs with. */
  public TaskPoolSettings settings() {
    return pool.settings();
  }

  /** The actor system the pool runs on. */
  public ActorSystem<?> system() {
    return pool.system();
  }

  /**
   * Schedules one task ({@code asyncio.create_task}): it runs when the pool has a free slot; the
   * stage completes with its value or fails with a {@link GatherFailedException}.
   */
  public <T> CompletionStage<T> start(Task<T> task) {
    return gatherOrFail(List.of(task)).thenApply(values -> values.get(0));
  }

  /** Starts a gather and returns a handle to cancel it or await its outcomes. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <T> Gathering<T> submit(List<? extends Task<T>> tasks, GatherOptions options) {
    return (Gathering<T>) (Gathering) pool.submit(tasks, options);
  }

  /**
   * Runs the tasks concurrently and completes with one outcome per task, in input order
   * ({@code asyncio.gather(..., return_exceptions=True)}). The stage never fails: errors,
   * timeouts, cancellations and crashed workers are failure outcomes. Cancelling the returned
   * future cancels the unfinished tasks.
   */
  public <T> CompletionStage<List<Outcome<T>>> gather(List<? extends Task<T>> tasks) {
    return gather(tasks, GatherOptions.defaults());
  }

  /** {@link #gather(List)} with per-call options (task timeout, deadline). */
  public <T> CompletionStage<List<Outcome<T>>> gather(List<? extends Task<T>> tasks, GatherOptions options) {
    return submit(tasks, options).outcomes();
  }

  /** {@link #gather(List)} for tasks listed inline. */
  @SafeVarargs
  public final <T> CompletionStage<List<Outcome<T>>> gather(Task<T>... tasks) {
    return gather(Arrays.asList(tasks));
  }

  /**
   * Runs the tasks concurrently and completes with their values in input order, or fails with a
   * {@link GatherFailedException} at the first failure. Then the running tasks are cancelled and
   * the waiting ones never start ({@code asyncio.TaskGroup}). Unlike {@link #gather(List)} the
   * other results are not returned; use gather when every result matters.
   */
  public <T> CompletionStage<List<T>> gatherOrFail(List<? extends Task<T>> tasks) {
    return gatherOrFail(tasks, GatherOptions.defaults());
  }

  /** {@link #gatherOrFail(List)} with per-call options. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <T> CompletionStage<List<T>> gatherOrFail(List<? extends Task<T>> tasks, GatherOptions options) {
    return (CompletionStage<List<T>>) (CompletionStage) pool.gatherOrFail(tasks, options);
  }

  /**
   * The outcomes as they complete, fastest first ({@code asyncio.as_completed}), as a stream.
   * Each outcome still carries its input index. Each materialization runs the tasks; the
   * materialized {@link GatherControl} cancels them, as does cancelling the stream.
   */
  public <T> Source<Outcome<T>, GatherControl> asCompleted(List<? extends Task<T>> tasks) {
    return asCompleted(tasks, GatherOptions.defaults());
  }

  /** {@link #asCompleted(List)} with per-call options. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <T> Source<Outcome<T>, GatherControl> asCompleted(List<? extends Task<T>> tasks, GatherOptions options) {
    return (Source<Outcome<T>, GatherControl>) (Source) pool.asCompleted(tasks, options);
  }

  /** The outcomes as they complete, each sent to an actor. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <T> GatherControl asCompleted(
      List<? extends Task<T>> tasks, GatherOptions options, ActorRef<Outcome<T>> listener) {
    return pool.asCompleted(tasks, options, (ActorRef) listener);
  }

  /**
   * Blocks until every task has its outcome, at most {@code maxWait} (then the unfinished ones
   * fail with {@link ErrorKind#TIMEOUT}). The counterpart of {@code asyncio.run} for synchronous
   * code such as a {@code main} method. Never call it from an actor or a stream stage: it blocks
   * the thread.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <T> List<Outcome<T>> gatherBlocking(List<? extends Task<T>> tasks, Duration maxWait)
      throws InterruptedException {
    return (List<Outcome<T>>) (List) pool.gatherBlocking(tasks, maxWait);
  }

  /** Cancels all unfinished tasks; terminates the actor system if the pool created it. */
  @Override
  public void close() {
    pool.close();
  }
}
