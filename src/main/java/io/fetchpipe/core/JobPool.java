package io.fetchpipe.core;

import io.fetchpipe.core.internal.FailFastSink;
import io.fetchpipe.core.internal.InputOrderSink;
import io.fetchpipe.core.internal.ListenerSink;
import io.fetchpipe.core.internal.PoolEngine;
import io.fetchpipe.core.internal.Pools;
import io.fetchpipe.core.internal.StreamSink;
import io.fetchpipe.core.internal.UniqueNames;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.FlowWithContext;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A pool of worker actors under one throttling router, running requests (plain data) with a {@link
 * JobHandler}: every call of one pool shares the same concurrency cap ({@code asyncio.Semaphore}),
 * rate and retry budget. This is fetchpipe's one set of operations; {@link TaskPool} offers them
 * for lambdas and the fetcher for URLs.
 *
 * <table>
 *   <caption>asyncio and JobPool</caption>
 *   <tr><th>asyncio</th><th>JobPool</th></tr>
 *   <tr><td>{@code asyncio.create_task(coro)}</td><td>{@link #start(Object)}</td></tr>
 *   <tr><td>{@code asyncio.gather(*coros, return_exceptions=True)}</td><td>{@link #gather(List)}</td></tr>
 *   <tr><td>{@code asyncio.TaskGroup}</td><td>{@link #gatherOrFail(List)}</td></tr>
 *   <tr><td>{@code asyncio.as_completed(coros)}</td><td>{@link #asCompleted(List)}</td></tr>
 *   <tr><td>a stream of coroutines with a bounded window</td><td>{@link #flow(Order, int)}</td></tr>
 *   <tr><td>{@code asyncio.Semaphore(n)}</td><td>{@link PoolSettings#withMaxConcurrency(int)}</td></tr>
 *   <tr><td>{@code asyncio.wait_for(gather(...), t)}</td><td>{@link GatherOptions#withDeadline(Duration)}</td></tr>
 *   <tr><td>{@code asyncio.run(main())}</td><td>{@link #gatherBlocking(List, Duration)}</td></tr>
 * </table>
 *
 * <p>Every input gets exactly one {@link Outcome}. The pool's actors live under fetchpipe's
 * guardian in the actor system; {@link #close()} cancels what is unfinished and stops them all.
 *
 * @param <Q> the request type
 * @param <R> the result type
 */
public class JobPool<Q, R> implements AutoCloseable {
  /**
   * What a blocking wait allows beyond the pool's own bound (its close timeout, a gather's
   * deadline): time for the actors' stop, and a fetcher's connections' close grace, to come
   * through.
   */
  static final Duration CLOSE_MARGIN = Duration.ofSeconds(5);

  private static final TaskFailure NO_REQUEST =
      new TaskFailure(ErrorKind.EXCEPTION, "the element has no request (null)");

  static {
    Pools.open(JobPool::new);
  }

  private final PoolEngine engine;

  JobPool(PoolEngine engine) {
    this.engine = engine;
  }

  /**
   * A view sharing {@code pool}'s actors, for classes that add operations to a pool (the fetcher).
   */
  protected JobPool(JobPool<Q, R> pool) {
    this(pool.engine);
  }

  /**
   * A pool on the caller's actor system with the settings of its config ({@code fetchpipe.pool}).
   */
  public static <Q, R> JobPool<Q, R> create(ActorSystem<?> system, JobHandler<Q, R> handler) {
    return create(system, PoolSettings.create(system), handler);
  }

  /** A pool on the caller's actor system; {@link #close()} leaves the system running. */
  public static <Q, R> JobPool<Q, R> create(
      ActorSystem<?> system, PoolSettings settings, JobHandler<Q, R> handler) {
    return new JobPool<>(PoolEngine.start(system, settings, handler, UniqueNames.next("pool")));
  }

  PoolEngine engine() {
    return engine;
  }

  /**
   * The pool's name, unique among the live pools of its actor system: its router actor's name and
   * the {@code pool} tag of its metrics (see {@code io.fetchpipe.metrics.FetchpipeMetrics}).
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

  /**
   * Schedules one request ({@code asyncio.create_task}): it runs when the pool has a free slot; the
   * stage completes with its value or fails with a {@link GatherFailedException}.
   */
  public CompletionStage<R> start(Q request) {
    return gatherOrFail(List.of(request)).thenApply(values -> values.get(0));
  }

  /** Starts a gather whose outcomes are collected in input order; see {@link Gathering}. */
  public Gathering<R> submit(List<? extends Q> requests, GatherOptions options) {
    List<Q> snapshot = List.copyOf(requests);
    CompletableFuture<List<Outcome<R>>> result = new CompletableFuture<>();
    GatherControl control =
        engine.gather(snapshot, options, false, new InputOrderSink<>(snapshot.size(), result));
    cancelWhenCancelled(result, control);
    return new DefaultGathering<>(control, result);
  }

  /**
   * Runs the requests concurrently and completes with one outcome per request, in input order
   * ({@code asyncio.gather(..., return_exceptions=True)}). The stage never fails: errors, timeouts,
   * cancellations and crashed workers are failure outcomes. Cancelling the returned future cancels
   * the unfinished requests.
   */
  public CompletionStage<List<Outcome<R>>> gather(List<? extends Q> requests) {
    return gather(requests, GatherOptions.defaults());
  }

  /** {@link #gather(List)} with per-call options (task timeout, deadline, fail-fast). */
  public CompletionStage<List<Outcome<R>>> gather(
      List<? extends Q> requests, GatherOptions options) {
    return submit(requests, options).outcomes();
  }

  /** {@link #gather(List)} for requests listed inline. */
  @SafeVarargs
  public final CompletionStage<List<Outcome<R>>> gather(Q... requests) {
    return gather(Arrays.asList(requests));
  }

  /**
   * Runs the requests concurrently and completes with their values in input order, or fails with a
   * {@link GatherFailedException} at the first failure. Then the running requests are cancelled and
   * the waiting ones never start ({@code asyncio.TaskGroup}). Unlike {@link #gather(List)} the
   * other results are not returned; use gather when every result matters.
   */
  public CompletionStage<List<R>> gatherOrFail(List<? extends Q> requests) {
    return gatherOrFail(requests, GatherOptions.defaults());
  }

  /** {@link #gatherOrFail(List)} with per-call options; it is fail-fast whatever they say. */
  public CompletionStage<List<R>> gatherOrFail(List<? extends Q> requests, GatherOptions options) {
    List<Q> snapshot = List.copyOf(requests);
    CompletableFuture<List<R>> result = new CompletableFuture<>();
    GatherControl control =
        engine.gather(snapshot, options, true, new FailFastSink<>(snapshot.size(), result));
    cancelWhenCancelled(result, control);
    return result;
  }

  /**
   * The outcomes as they complete, fastest first ({@code asyncio.as_completed}), as a stream. Each
   * outcome still carries its input index. Each materialization runs the requests anew; the
   * materialized {@link GatherControl} cancels them, as does cancelling the stream downstream.
   */
  public Source<Outcome<R>, GatherControl> asCompleted(List<? extends Q> requests) {
    return asCompleted(requests, GatherOptions.defaults());
  }

  /** {@link #asCompleted(List)} with per-call options. */
  public Source<Outcome<R>, GatherControl> asCompleted(
      List<? extends Q> requests, GatherOptions options) {
    List<Q> snapshot = List.copyOf(requests);
    return Source.<Outcome<R>>queue(Math.max(1, snapshot.size()))
        .mapMaterializedValue(
            queue -> engine.gather(snapshot, options, false, new StreamSink(queue)))
        .watchTermination(JobPool::cancelWhenTerminated);
  }

  /** The outcomes as they complete, each sent to {@code listener} as it completes. */
  public GatherControl asCompleted(
      List<? extends Q> requests, GatherOptions options, ActorRef<Outcome<R>> listener) {
    return engine.gather(List.copyOf(requests), options, false, new ListenerSink(listener));
  }

  /**
   * A stream stage that runs each element as a request under this pool and emits it with its
   * outcome, in {@link Order#INPUT input order} (like gather) or {@link Order#COMPLETION as they
   * complete} (like as_completed), for inputs of any length. At most {@code window} elements are
   * inside the stage at once: in input order a slow head lets the others run on until the window is
   * full of finished results. Outcome indexes count elements from 0 in each materialization. A
   * stream that stops cancels the requests it left unfinished.
   */
  public Flow<Q, Completed<Q, R>, NotUsed> flow(Order order, int window) {
    return flow(order, window, GatherOptions.defaults());
  }

  /**
   * {@link #flow(Order, int)} with per-call options: a task timeout, a deadline from the stream's
   * start, and fail-fast (the first failure cancels the requests still running, and every later
   * element fails at once; the stream still emits one outcome per element).
   */
  public Flow<Q, Completed<Q, R>, NotUsed> flow(Order order, int window, GatherOptions options) {
    return Flow.<Q>create()
        .map(request -> Pair.create(request, request))
        .via(this.<Q>stage(order, window, options, context -> NO_REQUEST))
        .map(done -> new Completed<>(done.second(), done.first()));
  }

  /**
   * {@link #flow(Order, int, GatherOptions)} where each request travels with a context of the
   * caller's (a line number, a reply address) that comes out beside its outcome and never reaches
   * the handler.
   */
  public <C> FlowWithContext<Q, C, Outcome<R>, C, NotUsed> flowWithContext(
      Order order, int window, GatherOptions options) {
    return FlowWithContext.fromPairs(this.<C>stage(order, window, options, context -> NO_REQUEST));
  }

  /**
   * {@link #flowWithContext(Order, int, GatherOptions)} for inputs of which some are no request (a
   * batch job's invalid lines): an element whose request is null never reaches the pool. It fails
   * at once, in its place, with the failure {@code withoutRequest} gives for its context (say, why
   * its line is invalid); that failure counts like any other, for fail-fast too.
   */
  public <C> FlowWithContext<Q, C, Outcome<R>, C, NotUsed> flowWithContext(
      Order order,
      int window,
      GatherOptions options,
      Function<? super C, ? extends TaskFailure> withoutRequest) {
    return FlowWithContext.fromPairs(this.<C>stage(order, window, options, withoutRequest));
  }

  @SuppressWarnings("unchecked")
  private <C> Flow<Pair<Q, C>, Pair<Outcome<R>, C>, NotUsed> stage(
      Order order,
      int window,
      GatherOptions options,
      Function<? super C, ? extends Throwable> withoutRequest) {
    // The engine is untyped: its contexts are this flow's, its outcomes this pool's handler's.
    Function<Object, ? extends Throwable> untyped = context -> withoutRequest.apply((C) context);
    return engine
        .<Q, C>flow(order, window, options, untyped)
        .map(pair -> (Pair<Outcome<R>, C>) (Pair<?, ?>) pair);
  }

  /**
   * This pool as a {@link JobHandler}, for what calls handlers itself (a producer/consumer
   * pipeline's consumers, say: {@code Pipeline.create(system).run(urls, fetcher.asHandler(),
   * ...)}). Each request runs under the pool, with its limits, retries and timeouts, and the
   * handler's stage completes with its value or fails with its failure: a {@link TaskFailure} of
   * the outcome's kind (a fetch's own {@code FetchFailure} for a fetcher). Cancelling the handler's
   * attempt (its context) cancels the request.
   */
  public JobHandler<Q, R> asHandler() {
    return (request, context) -> {
      Gathering<R> gathering = submit(List.of(request), GatherOptions.defaults());
      context.onCancel(gathering::cancel);
      return gathering.outcomes().thenCompose(outcomes -> valueOrFailure(outcomes.get(0)));
    };
  }

  private static <T> CompletionStage<T> valueOrFailure(Outcome<T> outcome) {
    if (outcome instanceof Outcome.Success<T> success) {
      return CompletableFuture.completedFuture(success.value());
    }
    Outcome.Failure<T> failure = (Outcome.Failure<T>) outcome;
    return CompletableFuture.failedFuture(
        failure.cause() instanceof TaskFailure own
            ? own
            : new TaskFailure(failure.kind(), failure.message(), failure.cause()));
  }

  /**
   * Blocks the calling thread until every request has its outcome, at most {@code maxWait} (after
   * which the unfinished ones fail with {@link ErrorKind#TIMEOUT}). For synchronous callers ({@code
   * asyncio.run}'s counterpart): never call it from an actor or a stream stage.
   *
   * @throws InterruptedException if the thread is interrupted; the gather is cancelled
   */
  public List<Outcome<R>> gatherBlocking(List<? extends Q> requests, Duration maxWait)
      throws InterruptedException {
    Gathering<R> gathering = submit(requests, GatherOptions.defaults().withDeadline(maxWait));
    try {
      return gathering
          .outcomes()
          .toCompletableFuture()
          .get(maxWait.plus(CLOSE_MARGIN).toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      gathering.cancel();
      throw e;
    } catch (ExecutionException | TimeoutException e) {
      // The outcome list never fails and the deadline bounds it; reaching this is a bug worth
      // seeing.
      throw new IllegalStateException(
          "gather did not complete within " + maxWait + " plus a margin", e);
    }
  }

  // A stream cancelled downstream (or failed) cancels the unfinished items at once rather than at
  // the next offer; after normal completion the gather is done and cancel() does nothing.
  private static GatherControl cancelWhenTerminated(
      GatherControl control, CompletionStage<Done> terminated) {
    terminated.whenComplete((done, error) -> control.cancel());
    return control;
  }

  private static void cancelWhenCancelled(CompletableFuture<?> result, GatherControl control) {
    result.whenComplete(
        (value, error) -> {
          if (error instanceof CancellationException) {
            control.cancel();
          }
        });
  }

  /**
   * Closes the pool without waiting: waiting and running items of every call fail with {@link
   * ErrorKind#CANCELLED}, open streams take no more input and complete, and the pool's actors stop.
   * The stage completes when they all have (at most the pool's close timeout). Calls made after
   * closing get cancelled outcomes at once. Idempotent.
   */
  public CompletionStage<Done> closeAsync() {
    return engine.close();
  }

  /**
   * {@link #closeAsync()}, waiting for it: at most the pool's {@code close-timeout} plus 5 seconds
   * for its actors to stop (and a fetcher's connections to close), after which it throws {@link
   * IllegalStateException}.
   */
  @Override
  public void close() {
    awaitClosed(closeAsync(), closeWaitLimit());
  }

  /** How long {@link #close()} waits for {@link #closeAsync()} at most. */
  Duration closeWaitLimit() {
    return settings().closeTimeout().plus(CLOSE_MARGIN);
  }

  static void awaitClosed(CompletionStage<Done> closing, Duration limit) {
    try {
      closing.toCompletableFuture().get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the pool did not stop within " + Durations.format(limit), e);
    }
  }

  private record DefaultGathering<T>(
      GatherControl control, CompletableFuture<List<Outcome<T>>> result) implements Gathering<T> {
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
