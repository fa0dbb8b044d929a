package io.fetchpipe.core;

import io.fetchpipe.core.internal.DispatcherChoice;
import io.fetchpipe.core.internal.FailFastSink;
import io.fetchpipe.core.internal.GatherSupervisor;
import io.fetchpipe.core.internal.InputOrderSink;
import io.fetchpipe.core.internal.ListenerSink;
import io.fetchpipe.core.internal.OutcomeSink;
import io.fetchpipe.core.internal.StreamGroup;
import io.fetchpipe.core.internal.StreamSink;
import io.fetchpipe.core.internal.ThrottlingRouter;
import io.fetchpipe.core.internal.Worker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;

/**
 * The engine behind {@link TaskPool} and the fetcher: requests (plain data) are run by a {@link
 * JobHandler} on worker actors under one throttling router, so every gather of one pool shares
 * the same concurrency cap and rate. Use {@link TaskPool} for lambdas; use this class directly
 * when requests are data and the logic lives in a handler (e.g. URLs to fetch).
 *
 * @param <Q> the request type
 * @param <R> the result type
 */
public final class JobPool<Q, R> implements AutoCloseable {
  private static final AtomicLong POOL_IDS = new AtomicLong();
  private static final Duration BLOCKING_GRACE = Duration.ofSeconds(10);

  private final ActorSystem<?> system;
  private final boolean ownsSystem;
  private final TaskPoolSettings settings;
  private final ActorRef<ThrottlingRouter.Command> router;
  private final long poolId;
  private final AtomicLong batchIds = new AtomicLong();

  private JobPool(ActorSystem<?> system, boolean ownsSystem, TaskPoolSettings settings, JobHandler<Q, R> handler) {
    this.system = system;
    this.ownsSystem = ownsSystem;
    this.settings = settings;
    this.poolId = POOL_IDS.incrementAndGet();
    this.router = system.systemActorOf(
        ThrottlingRouter.create(self -> Worker.create(handler, self), keyOf(handler), settings),
        "fetchpipe-pool-" + poolId,
        DispatcherChoice.props(settings.dispatcher()));
  }

  @SuppressWarnings("unchecked")
  private static <Q> java.util.function.Function<Object, Object> keyOf(JobHandler<Q, ?> handler) {
    return request -> handler.limitKey((Q) request);
  }

  /** A pool on the caller's actor system; {@link #close()} leaves the system running. */
  public static <Q, R> JobPool<Q, R> create(
      ActorSystem<?> system, TaskPoolSettings settings, JobHandler<Q, R> handler) {
    return new JobPool<>(system, false, settings, handler);
  }

  /** A pool that terminates {@code system} on {@link #close()}. */
  static <Q, R> JobPool<Q, R> createOwning(
      ActorSystem<?> system, TaskPoolSettings settings, JobHandler<Q, R> handler) {
    return new JobPool<>(system, true, settings, handler);
  }

  /** The settings this pool runs with. */
  public TaskPoolSettings settings() {
    return settings;
  }

  /** The actor system the pool runs on. */
  public ActorSystem<?> system() {
    return system;
  }

  /** Starts a gather whose outcomes are collected in input order; see {@link Gathering}. */
  public Gathering<R> submit(List<? extends Q> requests, GatherOptions options) {
    List<Q> snapshot = List.copyOf(requests);
    CompletableFuture<List<Outcome<R>>> result = new CompletableFuture<>();
    Control control = start(snapshot, options, false, new InputOrderSink<R>(snapshot.size(), result));
    cancelWhenCancelled(result, control);
    return new DefaultGathering<>(control, result);
  }

  /** All outcomes in input order; never fails ({@code gather(..., return_exceptions=True)}). */
  public CompletionStage<List<Outcome<R>>> gather(List<? extends Q> requests, GatherOptions options) {
    return submit(requests, options).outcomes();
  }

  /** The values in input order, or failure with the first error; see {@link TaskPool#gatherOrFail}. */
  public CompletionStage<List<R>> gatherOrFail(List<? extends Q> requests, GatherOptions options) {
    List<Q> snapshot = List.copyOf(requests);
    CompletableFuture<List<R>> result = new CompletableFuture<>();
    Control control = start(snapshot, options, true, new FailFastSink<R>(snapshot.size(), result));
    cancelWhenCancelled(result, control);
    return result;
  }

  /**
   * Outcomes in completion order as a stream ({@code asyncio.as_completed}). Each materialization
   * runs the requests anew; the materialized {@link GatherControl} cancels it. Cancelling the
   * stream downstream cancels the unfinished items.
   */
  public Source<Outcome<R>, GatherControl> asCompleted(List<? extends Q> requests, GatherOptions options) {
    List<Q> snapshot = List.copyOf(requests);
    return Source.<Outcome<R>>queue(Math.max(1, snapshot.size()))
        .mapMaterializedValue(queue -> start(snapshot, options, false, new StreamSink(queue)))
        .watchTermination(JobPool::cancelWhenTerminated);
  }

  /** Outcomes in completion order, each sent to {@code listener} as it completes. */
  public GatherControl asCompleted(
      List<? extends Q> requests, GatherOptions options, ActorRef<Outcome<R>> listener) {
    return start(List.copyOf(requests), options, false, new ListenerSink(listener));
  }

  /**
   * Blocks the calling thread until every item has its outcome, at most {@code maxWait} (after
   * which the unfinished items fail with {@link ErrorKind#TIMEOUT}). For synchronous callers
   * ({@code asyncio.run}'s counterpart): never call it from an actor or a stream stage.
   *
   * @throws InterruptedException if the thread is interrupted; the gather is cancelled
   */
  public List<Outcome<R>> gatherBlocking(List<? extends Q> requests, Duration maxWait)
      throws InterruptedException {
    Gathering<R> gathering = submit(requests, GatherOptions.defaults().withDeadline(maxWait));
    try {
      return gathering.outcomes().toCompletableFuture().get(
          maxWait.plus(BLOCKING_GRACE).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      gathering.cancel();
      throw e;
    } catch (ExecutionException | TimeoutException e) {
      // The outcome list never fails and the deadline bounds it; reaching this is a bug worth seeing.
      throw new IllegalStateException("gather did not complete within " + maxWait + " plus grace", e);
    }
  }

  /**
   * A stream stage that runs each element as a job under this pool's router and emits it with
   * its outcome, in input order ({@code ordered}, like gather) or as they complete (like
   * as_completed). At most {@code window} elements are in the stage at once: in input order a
   * slow head lets the others run on until the window is full of finished results. Outcome
   * indexes count elements from 0 in each materialization.
   *
   * <p>With {@code failFast}, the first failure cancels the jobs still running (they fail with
   * {@link ErrorKind#CANCELLED}) and every later element fails with it without starting; the
   * stream still emits one outcome per element.
   */
  public Flow<Q, Pair<Q, Outcome<R>>, NotUsed> flow(int window, boolean ordered, boolean failFast) {
    if (window < 1) {
      throw new IllegalArgumentException("window must be at least 1, got " + window);
    }
    Duration jobTimeout = settings.taskTimeout().orElse(null);
    return Flow.<Q, Pair<Q, Outcome<R>>, NotUsed>fromMaterializer((materializer, attributes) ->
            new StreamGroup<Q, R>(batchIds.incrementAndGet(), router, system, jobTimeout, failFast).stage(window, ordered))
        .mapMaterializedValue(ignored -> NotUsed.getInstance());
  }

  private Control start(List<?> requests, GatherOptions options, boolean failFast, OutcomeSink sink) {
    long batchId = batchIds.incrementAndGet();
    CompletableFuture<Done> done = new CompletableFuture<>();
    Duration jobTimeout = options.taskTimeout().or(settings::taskTimeout).orElse(null);
    ActorRef<GatherSupervisor.Command> supervisor = system.systemActorOf(
        GatherSupervisor.create(router, batchId, requests, jobTimeout,
            options.deadline().orElse(null), failFast, settings.submitBatch(), sink, done),
        "fetchpipe-gather-" + poolId + "-" + batchId,
        DispatcherChoice.props(settings.dispatcher()));
    return new Control(supervisor, done);
  }

  // A stream cancelled downstream (or failed) cancels the unfinished tasks at once rather than at
  // the next offer; after normal completion the gather is done and cancel() does nothing.
  private static GatherControl cancelWhenTerminated(GatherControl control, CompletionStage<Done> terminated) {
    terminated.whenComplete((done, error) -> control.cancel());
    return control;
  }

  private static void cancelWhenCancelled(CompletableFuture<?> result, GatherControl control) {
    result.whenComplete((value, error) -> {
      if (error instanceof CancellationException) {
        control.cancel();
      }
    });
  }

  /**
   * Stops the pool: waiting and running items of every gather fail with {@link
   * ErrorKind#CANCELLED}. If the pool created its own actor system, the system is terminated and
   * this call waits (up to 30 s) for it.
   */
  @Override
  public void close() {
    router.tell(ThrottlingRouter.Shutdown.INSTANCE);
    if (ownsSystem) {
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException("actor system did not terminate within 30 s", e);
      }
    }
  }

  private record Control(ActorRef<GatherSupervisor.Command> supervisor, CompletableFuture<Done> done)
      implements GatherControl {
    @Override
    public void cancel() {
      if (!done.isDone()) {
        supervisor.tell(GatherSupervisor.Cancel.INSTANCE);
      }
    }

    @Override
    public CompletionStage<Done> whenDone() {
      return done;
    }
  }

  private record DefaultGathering<T>(GatherControl control, CompletableFuture<List<Outcome<T>>> result)
      implements Gathering<T> {
    @Override
    public void cancel() {
      control.cancel();
    }

    @Override
    public CompletionStage<Done> whenDone() {
      return control.whenDone();
    }

    @Override
    public CompletionStage<List<Outcome<T>>> outcomes() {
      return result;
    }
  }
}
