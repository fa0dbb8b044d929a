package io.fetchpipe.core.internal;

import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.TaskPoolSettings;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Owns a pool of {@link Worker}s and hands a job to a worker only while fewer than {@code
 * max-concurrency} jobs are in flight (the Semaphore) and, when a rate is set, only when the
 * token bucket has a token. Jobs wait in the router's own queue, bounded by {@code
 * queue-capacity}, in arrival order. A {@link Submit} that does not fit is parked, unanswered,
 * until there is room; since each gather waits for {@link Accepted} before it submits more, the
 * mailbox never holds more than one submit per gather.
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
   * Fail every job of the batch that has not finished: queued ones at once (never started),
   * running ones after their worker has cancelled them.
   */
  public record CancelBatch(long batchId, ErrorKind kind, String message) implements Command {}

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

  /**
   * The batch is over (its gather finished, or its stream terminated): forget that it was
   * cancelled. Until then, jobs submitted for a cancelled batch fail at once without starting.
   */
  public record ReleaseBatch(long batchId) implements Command {}

  private record WorkerTerminated(ActorRef<Worker.Command> worker) implements Command {}

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
  private final int queueCapacity;
  private final TokenBucket bucket;
  private final TimerScheduler<Command> timers;

  private final ArrayDeque<Job<?>> queue = new ArrayDeque<>();
  private final ArrayDeque<Submit> parked = new ArrayDeque<>();
  private final ArrayDeque<ActorRef<Worker.Command>> idle = new ArrayDeque<>();
  private final Map<ActorRef<Worker.Command>, Job<?>> running = new HashMap<>();
  private final Map<Long, CancelBatch> cancelledBatches = new HashMap<>();
  private long workerNames;
  private boolean refilling;
  private boolean closing;

  private ThrottlingRouter(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Function<ActorRef<Command>, Behavior<Worker.Command>> workerFactory,
      TaskPoolSettings settings) {
    super(context);
    this.timers = timers;
    this.workerFactory = workerFactory;
    this.maxConcurrency = settings.maxConcurrency();
    this.queueCapacity = settings.queueCapacity();
    this.bucket = new TokenBucket(settings.rate(), settings.rateTick());
  }

  /**
   * A router whose workers are made by {@code workerFactory} (given the router's ref). Workers
   * are spawned on demand, up to {@code max-concurrency}, and restarted when they throw.
   */
  public static Behavior<Command> create(
      Function<ActorRef<Command>, Behavior<Worker.Command>> workerFactory, TaskPoolSettings settings) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(timers -> new ThrottlingRouter(context, timers, workerFactory, settings)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Submit.class, this::onSubmit)
        .onMessage(WorkerDone.class, this::onWorkerDone)
        .onMessage(CancelBatch.class, this::onCancelBatch)
        .onMessage(ReleaseBatch.class, this::onReleaseBatch)
        .onMessage(WorkerTerminated.class, this::onWorkerTerminated)
        .onMessageEquals(RefillTick.INSTANCE, this::onRefill)
        .onMessageEquals(Shutdown.INSTANCE, this::onShutdown)
        .build();
  }

  private Behavior<Command> onSubmit(Submit submit) {
    if (closing) {
      Instant now = Instant.now();
      submit.jobs().forEach(job -> failUnstarted(job, ErrorKind.CANCELLED, POOL_CLOSED, now));
      return this;
    }
    CancelBatch cancelled = cancelledBatches.get(submit.batch().id());
    if (cancelled != null) {
      Instant now = Instant.now();
      submit.jobs().forEach(job -> failUnstarted(job, cancelled.kind(), cancelled.message(), now));
      return this;
    }
    parked.addLast(submit);
    admitParked();
    dispatch();
    return this;
  }

  private Behavior<Command> onWorkerDone(WorkerDone done) {
    Job<?> job = running.get(done.worker());
    if (job == null
        || job.batch().id() != done.batchId()
        || job.index() != done.outcome().index()) {
      getContext().getLog().debug("dropping a stale report for item {} of batch {}",
          done.outcome().index(), done.batchId());
      return this;
    }
    running.remove(done.worker());
    if (closing) {
      getContext().stop(done.worker());
    } else {
      idle.addLast(done.worker());
    }
    job.batch().replyTo().tell(new JobFinished(done.batchId(), done.outcome()));
    if (job.batch().failFast() && !done.outcome().isSuccess() && !cancelledBatches.containsKey(done.batchId())) {
      cancelBatch(new CancelBatch(done.batchId(), ErrorKind.CANCELLED,
          "cancelled after item " + done.outcome().index() + " failed"));
    }
    dispatch();
    return this;
  }

  private Behavior<Command> onWorkerTerminated(WorkerTerminated terminated) {
    ActorRef<Worker.Command> worker = terminated.worker();
    idle.remove(worker);
    Job<?> job = running.remove(worker);
    if (job != null) {
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
    for (Iterator<Job<?>> it = queue.iterator(); it.hasNext(); ) {
      Job<?> job = it.next();
      if (batchId == ALL_BATCHES || job.batch().id() == batchId) {
        it.remove();
        failUnstarted(job, kind, message, now);
      }
    }
    for (Iterator<Submit> it = parked.iterator(); it.hasNext(); ) {
      Submit submit = it.next();
      if (batchId == ALL_BATCHES || submit.batch().id() == batchId) {
        it.remove();
        submit.jobs().forEach(job -> failUnstarted(job, kind, message, now));
      }
    }
    running.forEach((worker, job) -> {
      if (batchId == ALL_BATCHES || job.batch().id() == batchId) {
        worker.tell(new Worker.Cancel(job.batch().id(), job.index(), kind, message));
      }
    });
  }

  private static void failUnstarted(Job<?> job, ErrorKind kind, String message, Instant now) {
    job.batch().replyTo().tell(new JobFinished(job.batch().id(),
        Outcome.failure(job.index(), kind, message, null, now, now)));
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

  /** Moves parked submits into the queue, oldest first, while they fit. */
  private void admitParked() {
    while (!parked.isEmpty()) {
      Submit next = parked.peekFirst();
      int room = queueCapacity - queue.size();
      // A submit larger than the whole queue is admitted once the queue is empty.
      if (next.jobs().size() > room && !queue.isEmpty()) {
        return;
      }
      parked.removeFirst();
      queue.addAll(next.jobs());
      if (next.ackTo() != null) {
        next.ackTo().tell(new Accepted(next.batch().id(), next.jobs().size()));
      }
    }
  }

  /** Starts queued jobs while a slot and a token are free. */
  private void dispatch() {
    while (!queue.isEmpty() && running.size() < maxConcurrency) {
      if (!bucket.tryTake()) {
        startRefilling();
        return;
      }
      Job<?> job = queue.pollFirst();
      ActorRef<Worker.Command> worker = idle.isEmpty() ? spawnWorker() : idle.pollFirst();
      running.put(worker, job);
      worker.tell(new Worker.Run(job));
      if (!bucket.isFull()) {
        startRefilling();
      }
      if (queue.size() < queueCapacity) {
        admitParked();
      }
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
    ActorRef<Worker.Command> worker = getContext().spawn(supervised, "worker-" + (++workerNames));
    getContext().watchWith(worker, new WorkerTerminated(worker));
    return worker;
  }
}
