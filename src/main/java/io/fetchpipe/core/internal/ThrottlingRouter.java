package io.fetchpipe.core.internal;

import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.RetrySettings;
import io.fetchpipe.core.RetryableFailure;
import io.fetchpipe.core.TaskPoolSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Owns a pool of {@link Worker}s and hands a job to a worker only while fewer than {@code
 * max-concurrency} jobs are in flight (the Semaphore), fewer than {@code max-per-key} of the
 * job's key, and, when a rate is set, when the token bucket has a token. Jobs wait in the
 * router's own {@link JobQueue}, bounded by {@code queue-capacity}, in arrival order. A {@link
 * Submit} that does not fit is parked, unanswered, until there is room; since each gather waits
 * for {@link Accepted} before it submits more, the mailbox never holds more than one submit per
 * gather.
 *
 * <p>A job that fails with a {@link RetryableFailure} is tried again after a backoff while
 * retries are left; it waits here without holding a slot, and every attempt counts against the
 * rate.
 *
 * <p>Every job gets exactly one {@link JobFinished}: the worker's report, or a crash outcome if
 * the worker dies, or a cancellation outcome if its gather is cancelled while it waits. Reports
 * for jobs the router no longer tracks are dropped, so nothing is reported twice.
 */
public final class ThrottlingRouter extends AbstractBehavior<ThrottlingRouter.Command> {

  /** Messages the router understands. */
  public interface Command {}

  /**
   * Enqueue these jobs of one batch; {@code ackTo} (if not null) gets {@link Accepted} once they
   * are queued. Outcomes go to the batch's {@code replyTo}.
   */
  public record Submit(Batch batch, List<Job<?>> jobs, ActorRef<Reply> ackTo) implements Command {}

  /**
   * Fail every job of the batch that has not finished: waiting ones at once, running ones after
   * their worker has cancelled them. Jobs submitted for the batch later fail at once too.
   */
  public record CancelBatch(long batchId, ErrorKind kind, String message) implements Command {}

  /**
   * The batch is over (its gather finished, or its stream terminated): forget that it was
   * cancelled.
   */
  public record ReleaseBatch(long batchId) implements Command {}

  /** A worker's report: the outcome of the job it was running. */
  public record WorkerDone(ActorRef<Worker.Command> worker, long batchId, Outcome<?> outcome)
      implements Command {}

  /**
   * Stop accepting work: every waiting and running job, and every job submitted later, fails
   * with {@link ErrorKind#CANCELLED}; workers stop as they become idle. The router itself stays,
   * so a late submit is still answered rather than lost.
   */
  public enum Shutdown implements Command {
    INSTANCE
  }

  private record WorkerTerminated(ActorRef<Worker.Command> worker) implements Command {}

  private record RetryDue(Job<?> nextAttempt) implements Command {}

  private enum RefillTick implements Command {
    INSTANCE
  }

  /** What the router tells a gather. */
  public interface Reply {}

  /** The jobs of a submit are queued; the gather may submit more. */
  public record Accepted(long batchId, int count) implements Reply {}

  /** A job's one and only outcome. */
  public record JobFinished(long batchId, Outcome<?> outcome) implements Reply {}

  private static final Object REFILL_KEY = "refill";
  private static final long ALL_BATCHES = -1;
  private static final String POOL_CLOSED = "cancelled: the pool was closed";

  private final Function<ActorRef<Command>, Behavior<Worker.Command>> workerFactory;
  private final int maxConcurrency;
  private final RetrySettings retry;
  private final Random jitter = new Random();
  private final TokenBucket bucket;
  private final TimerScheduler<Command> timers;
  private final JobQueue waiting;

  private final ArrayDeque<ActorRef<Worker.Command>> idle = new ArrayDeque<>();
  private final Map<ActorRef<Worker.Command>, JobQueue.Queued> running = new HashMap<>();
  private final Map<Long, CancelBatch> cancelledBatches = new HashMap<>();
  private long workerNames;
  private boolean refilling;
  private boolean closing;

  private ThrottlingRouter(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Function<ActorRef<Command>, Behavior<Worker.Command>> workerFactory,
      Function<Object, Object> keyOf,
      TaskPoolSettings settings) {
    super(context);
    this.timers = timers;
    this.workerFactory = workerFactory;
    this.maxConcurrency = settings.maxConcurrency();
    this.retry = settings.retry();
    this.bucket = new TokenBucket(settings.rate(), settings.rateTick());
    this.waiting = new JobQueue(settings.queueCapacity(), settings.maxPerKey(), keyOf);
  }

  /**
   * A router whose workers are made by {@code workerFactory} (given the router's ref). Workers
   * are spawned on demand, up to {@code max-concurrency}, and restarted when they throw.
   */
  public static Behavior<Command> create(
      Function<ActorRef<Command>, Behavior<Worker.Command>> workerFactory, TaskPoolSettings settings) {
    return create(workerFactory, request -> null, settings);
  }

  /** As {@link #create(Function, TaskPoolSettings)}, with the key that {@code max-per-key} limits. */
  public static Behavior<Command> create(
      Function<ActorRef<Command>, Behavior<Worker.Command>> workerFactory,
      Function<Object, Object> keyOf,
      TaskPoolSettings settings) {
    return Behaviors.setup(context -> Behaviors.withTimers(
        timers -> new ThrottlingRouter(context, timers, workerFactory, keyOf, settings)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Submit.class, this::onSubmit)
        .onMessage(WorkerDone.class, this::onWorkerDone)
        .onMessage(RetryDue.class, this::onRetryDue)
        .onMessage(CancelBatch.class, this::onCancelBatch)
        .onMessage(ReleaseBatch.class, this::onReleaseBatch)
        .onMessage(WorkerTerminated.class, this::onWorkerTerminated)
        .onMessageEquals(RefillTick.INSTANCE, this::onRefill)
        .onMessageEquals(Shutdown.INSTANCE, this::onShutdown)
        .build();
  }

  private Behavior<Command> onSubmit(Submit submit) {
    CancelBatch cancelled = closing
        ? new CancelBatch(submit.batch().id(), ErrorKind.CANCELLED, POOL_CLOSED)
        : cancelledBatches.get(submit.batch().id());
    if (cancelled != null) {
      Instant now = Instant.now();
      submit.jobs().forEach(job -> failWaiting(job, cancelled.kind(), cancelled.message(), now));
      return this;
    }
    waiting.park(submit);
    admitParked();
    dispatch();
    return this;
  }

  private Behavior<Command> onWorkerDone(WorkerDone done) {
    JobQueue.Queued entry = running.get(done.worker());
    if (entry == null
        || entry.job().batch().id() != done.batchId()
        || entry.job().index() != done.outcome().index()) {
      getContext().getLog().debug("dropping a stale report for item {} of batch {}",
          done.outcome().index(), done.batchId());
      return this;
    }
    running.remove(done.worker());
    waiting.finished(entry);
    if (closing) {
      getContext().stop(done.worker());
    } else {
      idle.addLast(done.worker());
    }
    Job<?> job = entry.job();
    Outcome<?> outcome = done.outcome();
    if (outcome instanceof Outcome.Failure<?> failure && failure.cause() instanceof RetryableFailure retryable) {
      if (job.attempt() <= retry.maxRetries() && !cancelledBatches.containsKey(job.batch().id()) && !closing) {
        scheduleRetry(entry, failure, retryable);
        dispatch();
        return this;
      }
      outcome = finalOutcome(failure, retryable);
    }
    job.batch().replyTo().tell(new JobFinished(done.batchId(), outcome));
    if (job.batch().failFast() && !outcome.isSuccess()) {
      cancelBatch(new CancelBatch(done.batchId(), ErrorKind.CANCELLED,
          "cancelled after item " + outcome.index() + " failed"));
    }
    dispatch();
    return this;
  }

  private void scheduleRetry(JobQueue.Queued entry, Outcome.Failure<?> failure, RetryableFailure retryable) {
    Job<?> next = entry.job().nextAttempt(failure.startedAt());
    Duration delay = retry.delayBefore(entry.job().attempt(), retryable.retryAfter(), jitter);
    waiting.awaitRetry(next, entry.key());
    timers.startSingleTimer(next, new RetryDue(next), delay);
  }

  /** What a retryable failure amounts to once no retry is left. */
  private static Outcome<?> finalOutcome(Outcome.Failure<?> failure, RetryableFailure retryable) {
    if (retryable.finalValue() != null) {
      return Outcome.success(failure.index(), retryable.finalValue(), failure.startedAt(), failure.finishedAt());
    }
    return Outcome.failure(failure.index(), retryable.finalError(), failure.startedAt(), failure.finishedAt());
  }

  private Behavior<Command> onRetryDue(RetryDue due) {
    if (waiting.retryDue(due.nextAttempt())) {
      dispatch();
    }
    return this;
  }

  private Behavior<Command> onWorkerTerminated(WorkerTerminated terminated) {
    ActorRef<Worker.Command> worker = terminated.worker();
    idle.remove(worker);
    JobQueue.Queued entry = running.remove(worker);
    if (entry != null) {
      waiting.finished(entry);
      Job<?> job = entry.job();
      Instant now = Instant.now();
      job.batch().replyTo().tell(new JobFinished(job.batch().id(),
          Outcome.failure(job.index(), ErrorKind.CRASHED, "worker stopped", null, now, now)));
    }
    dispatch();
    return this;
  }

  private Behavior<Command> onCancelBatch(CancelBatch cancel) {
    cancelBatch(cancel);
    dispatch();
    return this;
  }

  private void cancelBatch(CancelBatch cancel) {
    if (cancelledBatches.putIfAbsent(cancel.batchId(), cancel) == null) {
      cancelWhere(cancel.batchId(), cancel.kind(), cancel.message());
      admitParked();
    }
  }

  private Behavior<Command> onReleaseBatch(ReleaseBatch release) {
    cancelledBatches.remove(release.batchId());
    return this;
  }

  private Behavior<Command> onShutdown() {
    closing = true;
    cancelWhere(ALL_BATCHES, ErrorKind.CANCELLED, POOL_CLOSED);
    idle.forEach(getContext()::stop);
    idle.clear();
    return this;
  }

  /** Fails the waiting jobs of a batch (or of all, with {@link #ALL_BATCHES}) and cancels its running ones. */
  private void cancelWhere(long batchId, ErrorKind kind, String message) {
    Instant now = Instant.now();
    for (Job<?> job : waiting.removeBatch(batchId)) {
      timers.cancel(job); // a no-op unless the job was waiting for a retry
      failWaiting(job, kind, message, now);
    }
    running.forEach((worker, entry) -> {
      Job<?> job = entry.job();
      if (batchId == ALL_BATCHES || job.batch().id() == batchId) {
        worker.tell(new Worker.Cancel(job.batch().id(), job.index(), kind, message));
      }
    });
  }

  /** Fails a job that is not running; one waiting for a retry keeps the start of its first attempt. */
  private static void failWaiting(Job<?> job, ErrorKind kind, String message, Instant now) {
    Instant started = job.firstStartedAt() != null ? job.firstStartedAt() : now;
    job.batch().replyTo().tell(new JobFinished(job.batch().id(),
        Outcome.failure(job.index(), kind, message, null, started, now)));
  }

  private Behavior<Command> onRefill() {
    bucket.refill();
    if (bucket.isFull()) {
      timers.cancel(REFILL_KEY);
      refilling = false;
    }
    dispatch();
    return this;
  }

  private void admitParked() {
    for (Submit admitted : waiting.admitParked()) {
      if (admitted.ackTo() != null) {
        admitted.ackTo().tell(new Accepted(admitted.batch().id(), admitted.jobs().size()));
      }
    }
  }

  /** Starts queued jobs while a slot, a token and a job whose key is below its limit are there. */
  private void dispatch() {
    while (waiting.hasStartable() && running.size() < maxConcurrency) {
      if (!bucket.hasToken()) {
        startRefilling();
        return;
      }
      JobQueue.Queued next = waiting.takeNext();
      if (next == null) {
        return; // every waiting job's key is at its limit
      }
      bucket.take();
      ActorRef<Worker.Command> worker = idle.isEmpty() ? spawnWorker() : idle.pollFirst();
      running.put(worker, next);
      worker.tell(new Worker.Run(next.job()));
      if (!bucket.isFull()) {
        startRefilling();
      }
      admitParked();
    }
  }

  private void startRefilling() {
    if (!refilling && !bucket.isUnlimited()) {
      refilling = true;
      timers.startTimerAtFixedRate(REFILL_KEY, RefillTick.INSTANCE, bucket.tickInterval());
    }
  }

  private ActorRef<Worker.Command> spawnWorker() {
    Behavior<Worker.Command> supervised =
        Behaviors.supervise(workerFactory.apply(getContext().getSelf()))
            .onFailure(Exception.class, SupervisorStrategy.restart().withLoggingEnabled(false));
    ActorRef<Worker.Command> worker =
        getContext().spawn(supervised, "worker-" + (++workerNames), DispatcherSelector.sameAsParent());
    getContext().watchWith(worker, new WorkerTerminated(worker));
    return worker;
  }
}
