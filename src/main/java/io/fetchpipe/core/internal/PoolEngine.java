package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.GatherControl;
import io.fetchpipe.core.GatherOptions;
import io.fetchpipe.core.JobHandler;
import io.fetchpipe.core.Order;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * One pool's running parts, without types: its router (a child of fetchpipe's guardian, spawned
 * when the pool is created), the batch ids of its gathers and streams, and its closing. The public
 * pools are typed views of an engine; several views may share one.
 */
@InternalApi
public final class PoolEngine {
  private final ActorSystem<?> system;
  private final PoolSettings settings;
  private final Part part;
  private final PendingRef<ThrottlingRouter.Command> router;
  private final CompletableFuture<Done> terminated = new CompletableFuture<>();
  private final CompletionStage<Done> stopped;
  private final AtomicLong batchIds = new AtomicLong();
  // Held while checking `closed` and telling the router, so nothing is told after Close.
  private final Object lock = new Object();
  private volatile boolean closed;

  private PoolEngine(
      ActorSystem<?> system,
      PoolSettings settings,
      WorkerSupply supply,
      Function<Object, Object> keyOf,
      String name) {
    this.system = system;
    this.settings = settings;
    this.part = Parts.get(system).register(Part.Kind.POOL, name);
    this.router =
        new PendingRef<>(
            FetchpipeExtension.get(system)
                .spawn(
                    ThrottlingRouter.create(supply, keyOf, settings, terminated, part),
                    name,
                    DispatcherChoice.props(settings.dispatcher())));
    // The pool's metrics go with it, before anyone waiting for the close hears of it.
    this.stopped = terminated.whenComplete((done, error) -> part.close());
  }

  // The one place where requests and results lose their types: the workers run any handler.
  @SuppressWarnings("unchecked")
  private static JobHandler<Object, Object> erase(JobHandler<?, ?> handler) {
    return (JobHandler<Object, Object>) handler;
  }

  /** Starts a pool's router under fetchpipe's guardian, named {@code name} (made unique). */
  public static PoolEngine start(
      ActorSystem<?> system, PoolSettings settings, JobHandler<?, ?> handler, String name) {
    JobHandler<Object, Object> erased = erase(handler);
    // A handler with a policy of its own (the fetcher's) brings what its outcomes tell the router.
    Function<Object, Object> keyOf =
        erased instanceof HostPolicy.Source source ? source.hostPolicy() : erased::limitKey;
    return new PoolEngine(
        system, settings, WorkerSupply.spawned(self -> Worker.create(erased, self)), keyOf, name);
  }

  /**
   * Starts a pool's router whose workers come from {@code supply} (e.g. the nodes of a cluster),
   * with {@code keyOf} as the key that per-key limits count.
   */
  public static PoolEngine start(
      ActorSystem<?> system,
      PoolSettings settings,
      WorkerSupply supply,
      Function<Object, Object> keyOf,
      String name) {
    return new PoolEngine(system, settings, supply, keyOf, name);
  }

  /** The actor system the pool runs in. */
  public ActorSystem<?> system() {
    return system;
  }

  /** The pool's name: its router's name, and the {@code pool} tag of its metrics. */
  public String name() {
    return part.name();
  }

  /** The pool's settings. */
  public PoolSettings settings() {
    return settings;
  }

  /**
   * Starts a gather of {@code requests} delivering to {@code sink}. On a closed pool every item is
   * cancelled at once.
   */
  public GatherControl gather(
      List<?> requests, GatherOptions options, boolean failFast, OutcomeSink sink) {
    long id = batchIds.incrementAndGet();
    CompletableFuture<Done> done = new CompletableFuture<>();
    Duration jobTimeout = options.taskTimeout().or(settings::taskTimeout).orElse(null);
    GatherSupervisor.Spec spec =
        new GatherSupervisor.Spec(
            id,
            requests,
            jobTimeout,
            options.deadline().orElse(null),
            failFast || options.failFast(),
            settings.submitBatch(),
            sink,
            done);
    if (!tellIfOpen(new ThrottlingRouter.StartGather(spec))) {
      cancelAll(requests.size(), sink);
      done.complete(Done.getInstance());
    }
    return new Control(id, done);
  }

  private static void cancelAll(int count, OutcomeSink sink) {
    Instant now = Instant.now();
    for (int i = 0; i < count; i++) {
      sink.accept(
          Outcome.failure(i, ErrorKind.CANCELLED, ThrottlingRouter.POOL_CLOSED, null, now, now));
    }
    sink.complete();
  }

  /**
   * The stage of this pool's flows: requests with a caller's context in, outcomes with the same
   * context out. An element without a request (null) fails at once with what {@code withoutRequest}
   * makes of its context.
   */
  public <Q, C> Flow<Pair<Q, C>, Pair<Outcome<?>, C>, NotUsed> flow(
      Order order,
      int window,
      GatherOptions options,
      Function<Object, ? extends Throwable> withoutRequest) {
    JobFlowStage.Settings stage =
        new JobFlowStage.Settings(
            order,
            window,
            options.taskTimeout().or(settings::taskTimeout).orElse(null),
            options.deadline().orElse(null),
            options.failFast(),
            withoutRequest);
    return Flow.fromGraph(
        new JobFlowStage<Q, C>(router, this::tellIfOpen, batchIds::incrementAndGet, stage));
  }

  private boolean tellIfOpen(ThrottlingRouter.Command command) {
    synchronized (lock) {
      if (closed) {
        return false;
      }
      router.tell(command);
      return true;
    }
  }

  /**
   * Closes the pool: unfinished items get cancelled outcomes, streams end, and the stage completes
   * when the router and its whole subtree have stopped. Idempotent.
   */
  public CompletionStage<Done> close() {
    synchronized (lock) {
      if (!closed) {
        closed = true;
        router.tell(ThrottlingRouter.Close.INSTANCE);
      }
    }
    return stopped;
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  private final class Control implements GatherControl {
    private final long id;
    private final CompletableFuture<Done> done;

    Control(long id, CompletableFuture<Done> done) {
      this.id = id;
      this.done = done;
    }

    @Override
    public void cancel() {
      if (!done.isDone()) {
        tellIfOpen(new ThrottlingRouter.CancelGather(id));
      }
    }

    @Override
    public CompletionStage<Done> whenDone() {
      return done;
    }
  }
}
