package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.Durations;
import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.Order;
import io.fetchpipe.core.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.InHandler;
import org.apache.pekko.stream.stage.OutHandler;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import scala.Tuple2;
import scala.runtime.BoxedUnit;

/**
 * The stream stage behind a pool's flows: each element (a request with the caller's context) runs
 * as a job under the pool's router, and the stage emits its outcome with the same context, in input
 * order or as they complete. It speaks the gathers' protocol: jobs go to the router in batches
 * (whatever arrived while the previous submit waited for its {@code Accepted}), and at most {@code
 * window} elements are inside the stage at once (taken, not yet emitted).
 *
 * <p>Each materialization is one batch of the router. When the stage stops for any reason
 * (completed, failed, cancelled downstream) its unfinished jobs are cancelled. With fail-fast the
 * first failure cancels the jobs still running and every later element fails at once; after the
 * deadline, likewise with {@link ErrorKind#TIMEOUT}. When the pool closes, the stage takes no more
 * input and completes once the outcomes of what it took are out. Every element taken gets exactly
 * one outcome.
 *
 * @param <Q> the request type
 * @param <C> the caller's context, carried beside each request
 */
@InternalApi
public final class JobFlowStage<Q, C>
    extends GraphStage<FlowShape<Pair<Q, C>, Pair<Outcome<?>, C>>> {
  private static final String DEADLINE = "deadline";

  private final Inlet<Pair<Q, C>> in = Inlet.create("JobFlow.in");
  private final Outlet<Pair<Outcome<?>, C>> out = Outlet.create("JobFlow.out");
  private final FlowShape<Pair<Q, C>, Pair<Outcome<?>, C>> shape = FlowShape.of(in, out);

  private final PendingRef<ThrottlingRouter.Command> router;
  private final Predicate<ThrottlingRouter.Command> openStream;
  private final LongSupplier batchIds;
  private final Settings settings;

  /**
   * What every materialization of the stage runs with.
   *
   * @param order input or completion order
   * @param window most elements inside the stage at once
   * @param jobTimeout per job, or null for none
   * @param deadline from the stream's start, or null for none
   * @param failFast whether the first failure cancels the rest
   * @param withoutRequest the failure of an element whose request is null (it never reaches the
   *     router), from its context
   */
  public record Settings(
      Order order,
      int window,
      Duration jobTimeout,
      Duration deadline,
      boolean failFast,
      Function<Object, ? extends Throwable> withoutRequest) {
    /** Checks the window. */
    public Settings {
      if (window < 1) {
        throw new IllegalArgumentException("window must be at least 1, got " + window);
      }
      Objects.requireNonNull(withoutRequest, "withoutRequest");
    }
  }

  /**
   * A stage submitting to {@code router}, with a fresh batch id from {@code batchIds} per run. Each
   * run first tells the router it opens, through {@code openStream}, which refuses once the pool is
   * closed: such a run fails every element as cancelled without a word to the router.
   */
  public JobFlowStage(
      PendingRef<ThrottlingRouter.Command> router,
      Predicate<ThrottlingRouter.Command> openStream,
      LongSupplier batchIds,
      Settings settings) {
    this.router = router;
    this.openStream = openStream;
    this.batchIds = batchIds;
    this.settings = settings;
  }

  @Override
  public FlowShape<Pair<Q, C>, Pair<Outcome<?>, C>> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new Logic();
  }

  private final class Logic extends TimerGraphStageLogic implements InHandler, OutHandler {
    private final long batchId = batchIds.getAsLong();
    private final Map<Integer, C> contexts = new HashMap<>();
    private final ArrayDeque<Pair<Outcome<?>, C>> ready = new ArrayDeque<>();
    private final Map<Integer, Pair<Outcome<?>, C>> heldBack = new HashMap<>(); // input order only
    private Batch batch;
    private List<Job<?>> pending = new ArrayList<>();
    private boolean awaitingAccept;
    private int taken;
    private int emitted;
    private int nextInOrder;
    private boolean inputDone;
    private ErrorKind stopKind;
    private String stopReason;

    Logic() {
      super(shape);
      setHandlers(in, out, this);
    }

    @Override
    public void preStart() {
      ActorRef<ThrottlingRouter.Reply> self = Adapter.toTyped(getStageActor(this::onMessage).ref());
      if (!openStream.test(new ThrottlingRouter.OpenStream(batchId, self))) {
        stop(ErrorKind.CANCELLED, ThrottlingRouter.POOL_CLOSED);
        pull(in);
        return;
      }
      batch = new Batch(batchId, settings.jobTimeout(), self, settings.failFast());
      if (settings.deadline() != null) {
        scheduleOnce(DEADLINE, settings.deadline());
      }
      pull(in);
    }

    private BoxedUnit onMessage(Tuple2<org.apache.pekko.actor.ActorRef, Object> message) {
      Object body = message._2();
      if (body instanceof ThrottlingRouter.JobsFinished finished) {
        finished.outcomes().forEach(this::onOutcome);
      } else if (body instanceof ThrottlingRouter.Accepted) {
        awaitingAccept = false;
        submitPending();
      } else if (body instanceof ThrottlingRouter.PoolClosing) {
        stop(ErrorKind.CANCELLED, ThrottlingRouter.POOL_CLOSED);
        inputDone = true;
        cancel(in);
        completeIfDone();
      }
      return BoxedUnit.UNIT;
    }

    @Override
    public void onPush() {
      Pair<Q, C> element = grab(in);
      int index = taken++;
      if (stopReason != null) {
        Instant now = Instant.now();
        record(
            index, Outcome.failure(index, stopKind, stopReason, null, now, now), element.second());
      } else if (element.first() == null) {
        // No request (an invalid input line): its failure takes its place without a word to the
        // router.
        Instant now = Instant.now();
        record(
            index,
            Outcome.failure(index, settings.withoutRequest().apply(element.second()), now, now),
            element.second());
        if (settings.failFast()) {
          stop(ErrorKind.CANCELLED, "cancelled after item " + index + " failed");
        }
      } else {
        contexts.put(index, element.second());
        pending.add(new Job<>(batch, index, element.first()));
        submitPending();
      }
      emitReady();
      pullIfRoom();
    }

    @Override
    public void onUpstreamFinish() {
      inputDone = true;
      completeIfDone();
    }

    @Override
    public void onPull() {
      emitReady();
      completeIfDone();
    }

    @Override
    public void onTimer(Object key) {
      stop(ErrorKind.TIMEOUT, "deadline of " + Durations.format(settings.deadline()) + " passed");
      emitReady();
      completeIfDone();
    }

    @Override
    public void postStop() {
      if (batch != null) {
        router.tell(new ThrottlingRouter.EndBatch(batchId));
      }
    }

    private void submitPending() {
      if (!awaitingAccept && !pending.isEmpty()) {
        router.tell(new ThrottlingRouter.Submit(batch, pending, batch.replyTo()));
        pending = new ArrayList<>();
        awaitingAccept = true;
      }
    }

    private void onOutcome(Outcome<?> outcome) {
      if (!contexts.containsKey(outcome.index())) {
        return; // its element already has an outcome (the stage stopped it first)
      }
      record(outcome.index(), outcome, contexts.remove(outcome.index()));
      if (settings.failFast() && !outcome.isSuccess() && stopReason == null) {
        // The router has cancelled the batch's other jobs; a cancellation it caused names the
        // failure.
        Outcome.Failure<?> failure = (Outcome.Failure<?>) outcome;
        stop(
            ErrorKind.CANCELLED,
            failure.kind().equals(ErrorKind.CANCELLED)
                ? failure.message()
                : "cancelled after item " + failure.index() + " failed");
      }
      emitReady();
      pullIfRoom();
      completeIfDone();
    }

    /**
     * From now on every element fails at once; the unsubmitted ones too; the router cancels the
     * rest.
     */
    private void stop(ErrorKind kind, String reason) {
      if (stopReason != null) {
        return;
      }
      stopKind = kind;
      stopReason = reason;
      Instant now = Instant.now();
      for (Job<?> job : pending) {
        record(
            job.index(),
            Outcome.failure(job.index(), kind, reason, null, now, now),
            contexts.remove(job.index()));
      }
      pending = new ArrayList<>();
      if (batch != null) {
        router.tell(new ThrottlingRouter.CancelBatch(batchId, kind, reason));
      }
    }

    private void record(int index, Outcome<?> outcome, C context) {
      Pair<Outcome<?>, C> result = Pair.create(outcome, context);
      if (settings.order() == Order.COMPLETION) {
        ready.add(result);
        return;
      }
      if (index != nextInOrder) {
        heldBack.put(index, result);
        return;
      }
      ready.add(result);
      nextInOrder++;
      for (Pair<Outcome<?>, C> next; (next = heldBack.remove(nextInOrder)) != null; nextInOrder++) {
        ready.add(next);
      }
    }

    private void emitReady() {
      if (isAvailable(out) && !ready.isEmpty()) {
        push(out, ready.poll());
        emitted++;
        pullIfRoom();
      }
    }

    private void pullIfRoom() {
      if (!inputDone
          && !isClosed(in)
          && !hasBeenPulled(in)
          && taken - emitted < settings.window()) {
        pull(in);
      }
    }

    private void completeIfDone() {
      if (inputDone && emitted == taken) {
        completeStage();
      }
    }
  }
}
