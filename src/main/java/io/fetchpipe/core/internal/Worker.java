package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.JobHandler;
import io.fetchpipe.core.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
 * timeout is the only timer of an attempt: on it the task's cancellation hooks run and the
 * handler names the failure ({@link JobHandler#timedOut}).
 *
 * <p>A task that throws synchronously crashes the worker on purpose ("let it crash"): the router
 * supervises workers with a restart strategy, and the signal handler reports the job that was
 * running, with the exception as its cause, before the fresh instance takes over.
 *
 * <p>Completions and timeouts name the job they belong to, and count only while that very job
 * (the same instance) is the current one: a late completion of an earlier job, even one from
 * before a restart, can never be credited to a later job. A cancellation (which may come from
 * another node, as a copy) names the run it means.
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
   * Finish the job in hand (if any) and stop: the worker's node is leaving, and its router sees
   * the stop and gives the worker no more.
   */
  public enum Drain implements Command {
    INSTANCE
  }

  private record Completed(Job<?> job, Object value, Throwable error) implements Command {}

  private record TimedOut(Job<?> job, Duration after) implements Command {}

  private final JobHandler<Object, Object> handler;
  private final ActorRef<ThrottlingRouter.Command> router;

  private Job<?> current;
  private Instant startedAt;
  private Cancellation cancellation;
  private CompletionStage<?> stage;
  private Throwable crashCause;
  private boolean draining;
  // A plain scheduled message rather than a TimerScheduler: the timers' interceptor would sit in
  // front of every message a worker handles, and most jobs have no timeout. A late firing names
  // its job and is ignored when that job is over.
  private Cancellable timeoutTimer;

  private Worker(
      ActorContext<Command> context,
      JobHandler<Object, Object> handler,
      ActorRef<ThrottlingRouter.Command> router) {
    super(context);
    this.handler = handler;
    this.router = router;
  }

  /** A worker that runs jobs with {@code handler} and reports to {@code router}. */
  public static Behavior<Command> create(JobHandler<Object, Object> handler, ActorRef<ThrottlingRouter.Command> router) {
    return Behaviors.setup(context -> new Worker(context, handler, router));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Run.class, this::onRun)
        .onMessage(Completed.class, this::onCompleted)
        .onMessage(TimedOut.class, this::onTimedOut)
        .onMessage(Cancel.class, this::onCancel)
        .onMessageEquals(Drain.INSTANCE, this::onDrain)
        .onSignal(PreRestart.class, signal -> onCrash("worker crashed"))
        .onSignal(PostStop.class, signal -> onCrash("worker stopped"))
        .build();
  }

  private Behavior<Command> onRun(Run run) {
    Job<?> job = run.job();
    if (current != null) {
      // The router never does this; if it did, the job must still get its one outcome.
      Instant now = Instant.now();
      report(job, Outcome.failure(job.index(), ErrorKind.CRASHED, "worker was busy", null, now, now));
      return this;
    }
    current = job;
    startedAt = job.firstStartedAt() != null ? job.firstStartedAt() : Instant.now();
    cancellation = new Cancellation(job.index(), job.attempt());
    Duration timeout = job.batch().jobTimeout();
    if (timeout != null) {
      // Started before the task, so the timeout counts from the moment the task can observe.
      timeoutTimer = getContext().scheduleOnce(timeout, getContext().getSelf(), new TimedOut(job, timeout));
    }
    CompletionStage<Object> started;
    try {
      started = handler.handle(job.request(), cancellation);
    } catch (RuntimeException e) {
      crashCause = e;
      throw e;
    }
    if (started == null) {
      finish(Outcome.failure(job.index(), ErrorKind.EXCEPTION,
          "task returned null instead of a CompletionStage", null, startedAt, Instant.now()));
      return afterJob();
    }
    stage = started;
    CompletableFuture<Object> future = Stages.asFutureOrNull(started);
    // getNow on an exceptionally completed future throws; those go the asynchronous way.
    if (future != null && future.isDone() && !future.isCompletedExceptionally()) {
      // Already finished (a cached or synchronous result): no need for a round trip through the mailbox.
      finish(Outcome.success(job.index(), future.getNow(null), startedAt, Instant.now()));
      return afterJob();
    }
    getContext().pipeToSelf(started, (value, error) -> new Completed(job, value, error));
    return this;
  }

  private Behavior<Command> onCompleted(Completed done) {
    if (done.job() != current) {
      return this; // a late completion of a job that already timed out, was cancelled or crashed
    }
    Instant now = Instant.now();
    finish(done.error() == null
        ? Outcome.success(current.index(), done.value(), startedAt, now)
        : Outcome.failure(current.index(), done.error(), startedAt, now));
    return afterJob();
  }

  private Behavior<Command> onTimedOut(TimedOut timedOut) {
    if (timedOut.job() != current) {
      return this;
    }
    cancellation.cancel(stage, ErrorKind.TIMEOUT);
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
    if (!cancel.job().sameRun(current)) {
      return this; // already finished; its outcome is on its way to the router
    }
    cancellation.cancel(stage, cancel.kind());
    finish(Outcome.failure(current.index(), cancel.kind(), cancel.message(), null, startedAt, Instant.now()));
    return afterJob();
  }

  private Behavior<Command> onDrain() {
    draining = true;
    return current == null ? Behaviors.stopped() : this;
  }

  private void cancelTimeout() {
    if (timeoutTimer != null) {
      timeoutTimer.cancel();
      timeoutTimer = null;
    }
  }

  private Behavior<Command> onCrash(String what) {
    cancelTimeout();
    if (current != null) {
      Instant now = Instant.now();
      Outcome<Object> outcome =
          crashCause != null
              ? Outcome.failure(current.index(), crashCause, startedAt, now)
              : Outcome.failure(current.index(), ErrorKind.CRASHED, what, null, startedAt, now);
      if (cancellation != null) {
        cancellation.cancel(stage, ErrorKind.CRASHED);
      }
      report(current, outcome);
      current = null;
    }
    return this;
  }

  /** Idle again: ready for the next job, or done if draining. */
  private Behavior<Command> afterJob() {
    return draining ? Behaviors.stopped() : this;
  }

  private void finish(Outcome<?> outcome) {
    cancelTimeout();
    Job<?> job = current;
    current = null;
    stage = null;
    cancellation = null;
    report(job, outcome);
  }

  private void report(Job<?> job, Outcome<?> outcome) {
    router.tell(new ThrottlingRouter.WorkerDone(getContext().getSelf(), job.batch().id(), outcome));
  }
}
