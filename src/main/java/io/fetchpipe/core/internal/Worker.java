package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.JobHandler;
import io.fetchpipe.core.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Runs one job at a time and reports exactly one outcome per job to the router: the task's value,
 * its failure, a timeout, a cancellation, or (from its restart/stop signal) a crash. The job's
 * timeout is the only timer of an attempt: on it the task's cancellation hooks run and the handler
 * names the failure ({@link JobHandler#timedOut}).
 *
 * <p>A task that throws synchronously crashes the worker on purpose ("let it crash"): the router
 * supervises workers with a restart strategy, and the signal handler reports the job that was
 * running with what it threw, before the fresh instance takes over. That outcome is the same as a
 * stage failed with it: the router retries a thrown RetryableFailure like a returned one.
 *
 * <p>Each run is settled exactly once, by whichever comes first of its task's completion, its
 * timeout, its cancellation or a crash: they race for the run's {@link Settlement}, and only the
 * winner reports. A completion reports straight from the thread that completes the task to the
 * router, without a round trip through the worker's mailbox (the router learns that the worker is
 * free from that report; the worker notices at its next {@link Run}). Timeouts name the job they
 * belong to, and a cancellation (which may come from another node, as a copy) names the run it
 * means; a late one finds its run settled and does nothing.
 */
@InternalApi
public final class Worker extends AbstractBehavior<Worker.Command> {

  /** Messages a worker understands. */
  public interface Command {}

  /** Run this job now; the router only sends it to an idle worker. */
  public record Run(Job<?> job) implements Command {}

  /** Stop {@code job} if it is still running; it fails with the given kind and message. */
  public record Cancel(Job<?> job, ErrorKind kind, String message) implements Command {}

  /**
   * Finish the job in hand (if any) and stop: the worker's node is leaving, and its router sees the
   * stop and gives the worker no more.
   */
  public enum Drain implements Command {
    INSTANCE
  }

  private record TimedOut(Job<?> job, Duration after) implements Command {}

  /** A draining worker's run was settled by its task's completion: the worker may stop. */
  private enum Settled implements Command {
    INSTANCE
  }

  private final JobHandler<Object, Object> handler;
  private final ActorRef<ThrottlingRouter.Command> router;
  private final Part
      part; // of a node's workers for another node's pool; unobserved in a local pool

  private Job<?> current;
  private Instant startedAt;
  private Cancellation cancellation;
  private Settlement settlement; // of the current run; a settled run leaves the worker free
  private Throwable crashCause;
  private boolean draining;
  // A plain scheduled message rather than a TimerScheduler: the timers' interceptor would sit in
  // front of every message a worker handles, and most jobs have no timeout. A late firing names
  // its job and is ignored when that job is over.
  private Cancellable timeoutTimer;

  private Worker(
      ActorContext<Command> context,
      JobHandler<Object, Object> handler,
      ActorRef<ThrottlingRouter.Command> router,
      Part part) {
    super(context);
    this.handler = handler;
    this.router = router;
    this.part = part;
  }

  /** A worker that runs jobs with {@code handler} and reports to {@code router}. */
  public static Behavior<Command> create(
      JobHandler<Object, Object> handler, ActorRef<ThrottlingRouter.Command> router) {
    return create(handler, router, Part.unobserved(Part.Kind.WORKERS, "workers"));
  }

  /** A worker that also tells {@code part} of every attempt it starts and its outcome. */
  public static Behavior<Command> create(
      JobHandler<Object, Object> handler, ActorRef<ThrottlingRouter.Command> router, Part part) {
    return Behaviors.setup(context -> new Worker(context, handler, router, part));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Run.class, this::onRun)
        .onMessage(TimedOut.class, this::onTimedOut)
        .onMessage(Cancel.class, this::onCancel)
        .onMessageEquals(Drain.INSTANCE, this::onDrain)
        .onMessageEquals(Settled.INSTANCE, this::afterJob)
        .onSignal(PreRestart.class, signal -> onCrash("worker crashed"))
        .onSignal(PostStop.class, signal -> onCrash("worker stopped"))
        .build();
  }

  private Behavior<Command> onRun(Run run) {
    Job<?> job = run.job();
    if (isBusy()) {
      // The router never does this; if it did, the job must still get its one outcome.
      Instant now = Instant.now();
      report(
          job, Outcome.failure(job.index(), ErrorKind.CRASHED, "worker was busy", null, now, now));
      return this;
    }
    cancelTimeout(); // the previous run's, if its task's completion settled it
    current = job;
    part.started();
    startedAt = job.firstStartedAt() != null ? job.firstStartedAt() : Instant.now();
    cancellation = new Cancellation(job.index(), job.attempt());
    settlement = new Settlement();
    Duration timeout = job.batch().jobTimeout();
    if (timeout != null) {
      // Started before the task, so the timeout counts from the moment the task can observe.
      timeoutTimer =
          getContext().scheduleOnce(timeout, getContext().getSelf(), new TimedOut(job, timeout));
    }
    CompletionStage<Object> started;
    try {
      started = handler.handle(job.request(), cancellation);
    } catch (RuntimeException e) {
      crashCause = e;
      throw e;
    }
    if (started == null) {
      settle(
          Outcome.failure(
              job.index(),
              ErrorKind.EXCEPTION,
              "task returned null instead of a CompletionStage",
              null,
              startedAt,
              Instant.now()));
      return afterJob();
    }
    CompletableFuture<Object> future = Stages.asFutureOrNull(started);
    // getNow on an exceptionally completed future throws; those go the asynchronous way.
    if (future != null && future.isDone() && !future.isCompletedExceptionally()) {
      // Already finished (a cached or synchronous result): reported at once.
      settle(Outcome.success(job.index(), future.getNow(null), startedAt, Instant.now()));
      return afterJob();
    }
    settlement.stage = started;
    started.whenComplete(
        new Completion(
            getContext().getSelf(), router, job, startedAt, cancellation, settlement, part));
    return this;
  }

  private boolean isBusy() {
    return current != null && !settlement.isSettled();
  }

  private Behavior<Command> onTimedOut(TimedOut timedOut) {
    if (timedOut.job() != current || !settlement.settle()) {
      return this; // a late timer of a run that is over
    }
    cancellation.cancel(settlement.stage, ErrorKind.TIMEOUT);
    Throwable error;
    try {
      error = handler.timedOut(current.request(), cancellation, timedOut.after());
    } catch (RuntimeException e) {
      error = e; // a handler that fails to describe its timeout still yields one outcome
    }
    finish(Outcome.failure(current.index(), error, startedAt, Instant.now()));
    return afterJob();
  }

  private Behavior<Command> onCancel(Cancel cancel) {
    if (!cancel.job().sameRun(current) || !settlement.settle()) {
      return this; // already finished; its outcome is on its way to the router
    }
    cancellation.cancel(settlement.stage, cancel.kind());
    finish(
        Outcome.failure(
            current.index(), cancel.kind(), cancel.message(), null, startedAt, Instant.now()));
    return afterJob();
  }

  private Behavior<Command> onDrain() {
    draining = true;
    // A run still going tells the worker when its task's completion settles it (see Completion).
    return current == null || !settlement.watch() ? Behaviors.stopped() : this;
  }

  private void cancelTimeout() {
    if (timeoutTimer != null) {
      timeoutTimer.cancel();
      timeoutTimer = null;
    }
  }

  private Behavior<Command> onCrash(String what) {
    cancelTimeout();
    if (current != null && settlement.settle()) {
      Instant now = Instant.now();
      Outcome<Object> outcome =
          crashCause != null
              ? Outcome.failure(current.index(), crashCause, startedAt, now)
              : Outcome.failure(current.index(), ErrorKind.CRASHED, what, null, startedAt, now);
      cancellation.cancel(settlement.stage, ErrorKind.CRASHED);
      report(current, outcome);
    }
    current = null;
    return this;
  }

  /** Idle again: ready for the next job, or done if draining. */
  private Behavior<Command> afterJob() {
    return draining ? Behaviors.stopped() : this;
  }

  /** Settles the current run from here (it has not been handed to a completion) and reports it. */
  private void settle(Outcome<?> outcome) {
    settlement.settle();
    finish(outcome);
  }

  /** Reports the current run, which the caller has just settled. */
  private void finish(Outcome<?> outcome) {
    cancelTimeout();
    Job<?> job = current;
    current = null;
    settlement.stage = null;
    report(job, outcome);
  }

  private void report(Job<?> job, Outcome<?> outcome) {
    part.finished(outcome);
    router.tell(
        new ThrottlingRouter.WorkerDone(
            getContext().getSelf(), job.batch().id(), job.attempt(), outcome));
  }

  /**
   * Who settles a run: its task's completion (on whatever thread completes it), or the worker
   * (timeout, cancellation, crash). Only the first to {@link #settle()} reports. A draining worker
   * asks to be told when a completion settles its run ({@link #watch()}).
   */
  private static final class Settlement {
    private static final int SETTLED = 1;
    private static final int WATCHED = 2;

    private final AtomicInteger state = new AtomicInteger();
    // The task's stage, for cancelling it; dropped when the run is settled, so a worker does not
    // keep its last result alive while it waits for the next job.
    volatile CompletionStage<?> stage;

    boolean isSettled() {
      return (state.get() & SETTLED) != 0;
    }

    /** Settles the run; false if it was settled already. */
    boolean settle() {
      return (state.getAndUpdate(s -> s | SETTLED) & SETTLED) == 0;
    }

    /**
     * Settles the run for a completion; returns the state before, or -1 if it was settled already.
     */
    int settleForCompletion() {
      int before = state.getAndUpdate(s -> s | SETTLED);
      return (before & SETTLED) == 0 ? before : -1;
    }

    /**
     * Asks for {@link Settled} when a completion settles the run; false if it is settled already.
     */
    boolean watch() {
      return (state.getAndUpdate(s -> (s & SETTLED) != 0 ? s : s | WATCHED) & SETTLED) == 0;
    }

    boolean isWatched(int before) {
      return (before & WATCHED) != 0;
    }
  }

  /**
   * A task's completion: settles its run and reports the outcome straight to the router, from the
   * completing thread (each report is one message, as from the worker itself).
   */
  private record Completion(
      ActorRef<Command> worker,
      ActorRef<ThrottlingRouter.Command> router,
      Job<?> job,
      Instant startedAt,
      Cancellation cancellation,
      Settlement settlement,
      Part part)
      implements BiConsumer<Object, Throwable> {
    @Override
    public void accept(Object value, Throwable error) {
      int before = settlement.settleForCompletion();
      if (before < 0) {
        return; // a late completion of a run that timed out, was cancelled or crashed
      }
      settlement.stage = null;
      cancellation.release();
      Instant now = Instant.now();
      Outcome<?> outcome =
          error == null
              ? Outcome.success(job.index(), value, startedAt, now)
              : Outcome.failure(job.index(), error, startedAt, now);
      part.finished(outcome);
      router.tell(
          new ThrottlingRouter.WorkerDone(worker, job.batch().id(), job.attempt(), outcome));
      if (settlement.isWatched(before)) {
        worker.tell(Settled.INSTANCE);
      }
    }
  }
}
