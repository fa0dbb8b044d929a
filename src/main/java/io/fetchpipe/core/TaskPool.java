package io.fetchpipe.core;

import io.fetchpipe.core.internal.PoolEngine;
import io.fetchpipe.core.internal.UniqueNames;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A {@link JobPool} whose requests are {@link Task}s (lambdas): {@code asyncio}'s patterns for code
 * rather than data. It offers the same operations with the same options, each typed by the call's
 * tasks, so one pool (one {@code Semaphore}) serves tasks of any result type.
 *
 * <pre>{@code
 * try (TaskPool pool = TaskPool.create(system)) {                 // Semaphore(5) by default
 *   List<Outcome<String>> results = pool.gather(fetchData(...), fetchData(...)).toCompletableFuture().join();
 * }
 * }</pre>
 *
 * <p>Unlike asyncio, nothing runs until submitted, and a finished gather never loses an item: every
 * input gets exactly one {@link Outcome}.
 */
public final class TaskPool implements AutoCloseable {

  private final PoolEngine engine;
  private final ActorSystem<?> ownSystem; // null unless the pool created its system

  private TaskPool(PoolEngine engine, ActorSystem<?> ownSystem) {
    this.engine = engine;
    this.ownSystem = ownSystem;
  }

  /** A pool on the caller's actor system with settings from its config ({@code fetchpipe.pool}). */
  public static TaskPool create(ActorSystem<?> system) {
    return create(system, PoolSettings.create(system));
  }

  /** A pool on the caller's actor system with explicit settings. */
  public static TaskPool create(ActorSystem<?> system, PoolSettings settings) {
    return new TaskPool(start(system, settings), null);
  }

  /**
   * A pool with an actor system of its own (named {@code fetchpipe}, config from {@code
   * application.conf} and {@code reference.conf}); {@link #close()} terminates it.
   */
  public static TaskPool create() {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "fetchpipe");
    return new TaskPool(start(system, PoolSettings.create(system)), system);
  }

  private static PoolEngine start(ActorSystem<?> system, PoolSettings settings) {
    return PoolEngine.start(
        system, settings, TaskPool.<Object>runTask(), UniqueNames.next("tasks"));
  }

  private static <T> JobHandler<Task<T>, T> runTask() {
    return Task::start;
  }

  /** This pool's operations for tasks of result type {@code T}: a view sharing its actors. */
  public <T> JobPool<Task<T>, T> jobs() {
    return new JobPool<>(engine);
  }

  /**
   * The pool's name ({@code tasks-N}): its router's name and the {@code pool} tag of its metrics.
   */
  public String name() {
    return engine.name();
  }

  /** The settings this pool runs with. */
  public PoolSettings settings() {
    return engine.settings();
  }

  /** The actor system the pool runs on. */
  public ActorSystem<?> system() {
    return engine.system();
  }

  /** {@link JobPool#start(Object)}: one task, like {@code asyncio.create_task}. */
  public <T> CompletionStage<T> start(Task<T> task) {
    return this.<T>jobs().start(task);
  }

  /** {@link JobPool#submit(List, GatherOptions)}: a gather to cancel or await. */
  public <T> Gathering<T> submit(List<? extends Task<T>> tasks, GatherOptions options) {
    return this.<T>jobs().submit(tasks, options);
  }

  /** {@link JobPool#gather(List)}: one outcome per task, in input order; never fails. */
  public <T> CompletionStage<List<Outcome<T>>> gather(List<? extends Task<T>> tasks) {
    return this.<T>jobs().gather(tasks);
  }

  /** {@link JobPool#gather(List, GatherOptions)}. */
  public <T> CompletionStage<List<Outcome<T>>> gather(
      List<? extends Task<T>> tasks, GatherOptions options) {
    return this.<T>jobs().gather(tasks, options);
  }

  /** {@link #gather(List)} for tasks listed inline. */
  @SafeVarargs
  public final <T> CompletionStage<List<Outcome<T>>> gather(Task<T>... tasks) {
    return gather(Arrays.asList(tasks));
  }

  /**
   * {@link JobPool#gatherOrFail(List)}: the values, or the first failure ({@code
   * asyncio.TaskGroup}).
   */
  public <T> CompletionStage<List<T>> gatherOrFail(List<? extends Task<T>> tasks) {
    return this.<T>jobs().gatherOrFail(tasks);
  }

  /** {@link JobPool#gatherOrFail(List, GatherOptions)}. */
  public <T> CompletionStage<List<T>> gatherOrFail(
      List<? extends Task<T>> tasks, GatherOptions options) {
    return this.<T>jobs().gatherOrFail(tasks, options);
  }

  /**
   * {@link JobPool#asCompleted(List)}: outcomes as they complete ({@code asyncio.as_completed}).
   */
  public <T> Source<Outcome<T>, GatherControl> asCompleted(List<? extends Task<T>> tasks) {
    return this.<T>jobs().asCompleted(tasks);
  }

  /** {@link JobPool#asCompleted(List, GatherOptions)}. */
  public <T> Source<Outcome<T>, GatherControl> asCompleted(
      List<? extends Task<T>> tasks, GatherOptions options) {
    return this.<T>jobs().asCompleted(tasks, options);
  }

  /** {@link JobPool#asCompleted(List, GatherOptions, ActorRef)}: outcomes to an actor. */
  public <T> GatherControl asCompleted(
      List<? extends Task<T>> tasks, GatherOptions options, ActorRef<Outcome<T>> listener) {
    return this.<T>jobs().asCompleted(tasks, options, listener);
  }

  /** {@link JobPool#flow(Order, int, GatherOptions)}: a stream stage running tasks. */
  public <T> Flow<Task<T>, Completed<Task<T>, T>, NotUsed> flow(
      Order order, int window, GatherOptions options) {
    return this.<T>jobs().flow(order, window, options);
  }

  /**
   * {@link JobPool#gatherBlocking(List, Duration)}: {@code asyncio.run} for synchronous callers.
   */
  public <T> List<Outcome<T>> gatherBlocking(List<? extends Task<T>> tasks, Duration maxWait)
      throws InterruptedException {
    return this.<T>jobs().gatherBlocking(tasks, maxWait);
  }

  /**
   * {@link JobPool#closeAsync()}; if the pool created its actor system, the system is terminated
   * too and the stage completes when it has.
   */
  public CompletionStage<Done> closeAsync() {
    CompletionStage<Done> closed = engine.close();
    if (ownSystem == null) {
      return closed;
    }
    return closed.thenCompose(
        done -> {
          ownSystem.terminate();
          return ownSystem.getWhenTerminated();
        });
  }

  /**
   * {@link #closeAsync()}, waiting for it: at most the pool's {@code close-timeout} plus 5 seconds,
   * as {@link JobPool#close()}; a pool that created its actor system waits up to {@code
   * close-timeout} more for the system to terminate. Past that it throws {@link
   * IllegalStateException}.
   */
  @Override
  public void close() {
    JobPool.awaitClosed(closeAsync(), closeWaitLimit());
  }

  /** How long {@link #close()} waits for {@link #closeAsync()} at most. */
  Duration closeWaitLimit() {
    Duration pool = settings().closeTimeout().plus(JobPool.CLOSE_MARGIN);
    return ownSystem == null ? pool : pool.plus(settings().closeTimeout());
  }
}
