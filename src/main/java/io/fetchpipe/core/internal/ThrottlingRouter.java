package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.Durations;
import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.core.RetrySettings;
import io.fetchpipe.core.RetryableFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.DeadLetterSuppression;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The root of one pool's subtree: owns the pool's {@link Worker}s and its gathers' {@link
 * GatherSupervisor}s, and hands a job to a worker only while fewer than {@code max-concurrency}
 * jobs are in flight (the Semaphore), fewer than {@code max-per-key} of the job's key, and, when a
 * rate is set, when the token bucket has a token. Jobs wait in the router's own {@link JobQueue},
 * bounded by {@code queue-capacity}, in arrival order. A {@link Submit} that does not fit is
 * parked, unanswered, until there is room; since each gather and stream waits for {@link Accepted}
 * before it submits more, the mailbox never holds more than one submit per client.
 *
 * <p>A job that fails with a {@link RetryableFailure} is tried again after a backoff while retries
 * are left; it waits here without holding a slot, and every attempt counts against the rate.
 *
 * <p>Every job gets exactly one outcome: the worker's report, or a crash outcome if the worker
 * dies, or a cancellation outcome if its batch is cancelled while it waits. A worker offered from
 * outside (on a cluster's node) that is lost mid-job hands its job back instead: it runs again, as
 * a new attempt, on another worker ({@link WorkersLost} as soon as its node is unreachable, or when
 * the worker stops). Each report names its run (batch, item, attempt), and a report for a run the
 * router no longer tracks (a lost worker's, come late) is dropped, so nothing is reported twice.
 *
 * <p>Outcomes travel to their gather or stream in {@link JobsFinished} messages: those the router
 * makes while it works through what is in its mailbox go out together once it has (one message to
 * the gather for many outcomes), and always before any other reply to the same gather, so each
 * gather sees the router's replies in the order they were made.
 *
 * <p>{@link Close} cancels everything unfinished, tells open streams, and stops the router (and
 * with it the whole subtree) once no job runs, every gather has delivered its outcomes and every
 * stream has ended, or when the close timeout passes.
 */
@InternalApi
public final class ThrottlingRouter extends AbstractBehavior<ThrottlingRouter.Command> {

  /** Messages the router understands. */
  public interface Command {}

  /**
   * Enqueue these jobs of one batch; {@code ackTo} (if not null) gets {@link Accepted} once they
   * are queued (or refused). Outcomes go to the batch's {@code replyTo}.
   */
  public record Submit(Batch batch, List<Job<?>> jobs, ActorRef<Reply> ackTo) implements Command {}

  /** Start a gather: the router spawns its supervisor as a child. */
  public record StartGather(GatherSupervisor.Spec spec) implements Command {}

  /** Cancel a running gather: every unfinished item fails with {@link ErrorKind#CANCELLED}. */
  public record CancelGather(long gatherId) implements Command {}

  /**
   * A stream opens batch {@code batchId}: it is told {@link PoolClosing} when the pool closes, and
   * the pool waits for its {@link EndBatch} before it stops.
   */
  public record OpenStream(long batchId, ActorRef<Reply> replyTo) implements Command {}

  /**
   * Fail every job of the batch that has not finished: waiting ones at once, running ones after
   * their worker has cancelled them. Jobs submitted for the batch later fail at once too.
   */
  public record CancelBatch(long batchId, ErrorKind kind, String message) implements Command {}

  /**
   * The batch is over (its gather finished, its stream stopped): cancel what is left, forget it.
   */
  public record EndBatch(long batchId) implements Command {}

  /** A worker's report: the outcome of attempt {@code attempt} of the job it was running. */
  public record WorkerDone(
      ActorRef<Worker.Command> worker, long batchId, int attempt, Outcome<?> outcome)
      implements Command {}

  /**
   * Close the pool: every waiting and running job, and every job submitted later, fails with {@link
   * ErrorKind#CANCELLED}; open streams are told; the router stops when all is delivered.
   */
  public enum Close implements Command {
    INSTANCE
  }

  /** Workers offered to the router (workers of a cluster's nodes): watched, then given jobs. */
  public record WorkersJoined(List<ActorRef<Worker.Command>> workers) implements Command {}

  /**
   * These workers should get no new job for now (their node is unreachable or leaving); the jobs
   * they run stay theirs until they finish or the workers stop.
   */
  public record WorkersUnavailable(List<ActorRef<Worker.Command>> workers) implements Command {}

  /**
   * These workers are lost for now (their node is unreachable): they get no new job, and the jobs
   * they run run again on other workers at once, as new attempts, without waiting for the cluster
   * to remove the node. What they report later for those runs is dropped.
   */
  public record WorkersLost(List<ActorRef<Worker.Command>> workers) implements Command {}

  /**
   * These workers may get jobs again (their node is reachable again). A worker whose job was run
   * elsewhere meanwhile is told to cancel it first, so it is free for its next one.
   */
  public record WorkersAvailable(List<ActorRef<Worker.Command>> workers) implements Command {}

  private record WorkerTerminated(ActorRef<Worker.Command> worker) implements Command {}

  private record KeyRested(Object key) implements Command {}

  private record GatherTerminated(long gatherId) implements Command {}

  private record RetryDue(Job<?> nextAttempt) implements Command {}

  private enum RefillTick implements Command {
    INSTANCE
  }

  private enum CloseTimedOut implements Command {
    INSTANCE
  }

  /**
   * Time to send the outcomes held back: the messages that were in the mailbox are handled. One
   * left in the mailbox when the router stops is of no interest to the dead-letter log.
   */
  private enum SendOutcomes implements Command, DeadLetterSuppression {
    INSTANCE
  }

  /** What the router tells a gather or a stream. */
  public interface Reply {}

  /** The jobs of a submit are queued (or were refused and failed); the client may submit more. */
  public record Accepted(long batchId, int count) implements Reply {}

  /** Jobs' one and only outcomes, in the order the router had them (at least one). */
  public record JobsFinished(long batchId, List<Outcome<?>> outcomes) implements Reply {}

  /** The pool is closing: a stream should take no more input and end once its outcomes are in. */
  public record PoolClosing(long batchId) implements Reply {}

  private static final Object REFILL_KEY = "refill";
  private static final Object CLOSE_KEY = "close";
  private static final long ALL_BATCHES = -1;

  /** The message of every job a closing pool cancels, wherever it is cancelled. */
  static final String POOL_CLOSED = "cancelled: the pool was closed";

  private final WorkerSupply supply;
  private final PoolSettings settings;
  private final RetrySettings retry;
  private final Random jitter = new Random();
  private final TokenBucket bucket;
  private final TimerScheduler<Command> timers;
  private final JobQueue waiting;
  private final Politeness politeness;
  private final CompletableFuture<Done> terminated;
  private final Part part;

  private final ArrayDeque<ActorRef<Worker.Command>> idle = new ArrayDeque<>();
  private final Map<ActorRef<Worker.Command>, JobQueue.Queued> running = new HashMap<>();
  private final Map<Long, CancelBatch> cancelledBatches = new HashMap<>();
  private final Map<Long, ActorRef<Reply>> streams = new HashMap<>();
  private final Set<Long> gathers = new HashSet<>();
  private final Set<ActorRef<Worker.Command>> unavailable = new HashSet<>();
  // Lost workers' runs that were handed to others: what each may still be running.
  private final Map<ActorRef<Worker.Command>, Job<?>> writtenOff = new HashMap<>();
  // Outcomes not yet sent, per batch in the order of their first outcome (usually one batch).
  private final List<Unsent> unsent = new ArrayList<>();
  private boolean sendOutcomesQueued;
  private long workerNames;
  private boolean refilling;
  private boolean rateOpening; // the pool's first start is alone until its outcome
  private boolean closing;

  private ThrottlingRouter(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      WorkerSupply supply,
      Function<Object, Object> keyOf,
      PoolSettings settings,
      CompletableFuture<Done> terminated,
      Part part) {
    super(context);
    this.part = part;
    this.timers = timers;
    this.supply = supply;
    this.settings = settings;
    this.retry = settings.retry();
    this.bucket = new TokenBucket(settings.rate(), settings.rateTick());
    HostPolicy policy = HostPolicy.keyedBy(keyOf);
    this.politeness =
        new Politeness(
            settings,
            policy,
            new Batch(
                Politeness.PROBE_BATCH_ID,
                settings.taskTimeout().orElse(null),
                context.getSystem().deadLetters(),
                false),
            timers);
    this.waiting =
        new JobQueue(
            settings.queueCapacity(),
            settings.maxPerKey(),
            settings.maxPerKey() > 0
                || !settings.maxRatePerKey().isUnlimited()
                || politeness.keyed(),
            policy,
            politeness);
    this.rateOpening = politeness.firstStartAlone() && !bucket.isUnlimited();
    this.terminated = terminated;
    context.setLoggerName(
        ThrottlingRouter.class); // not the class its log happens to be first used from
    supply.start(context);
  }

  /**
   * A router whose workers are made by {@code workerFactory} (given the router's ref). Workers are
   * spawned on demand, up to {@code max-concurrency}, and restarted when they throw.
   *
   * @param keyOf the key that {@code max-per-key} and {@code max-rate-per-key} limit, per request
   * @param terminated completed when the router and its whole subtree have stopped
   */
  public static Behavior<Command> create(
      Function<ActorRef<Command>, Behavior<Worker.Command>> workerFactory,
      Function<Object, Object> keyOf,
      PoolSettings settings,
      CompletableFuture<Done> terminated) {
    return create(WorkerSupply.spawned(workerFactory), keyOf, settings, terminated);
  }

  /** A router whose workers come from {@code supply}. */
  public static Behavior<Command> create(
      WorkerSupply supply,
      Function<Object, Object> keyOf,
      PoolSettings settings,
      CompletableFuture<Done> terminated) {
    return create(supply, keyOf, settings, terminated, Part.unobserved(Part.Kind.POOL, "pool"));
  }

  /**
   * A router whose workers come from {@code supply}, telling {@code part} of its starts, outcomes
   * and gauges.
   */
  public static Behavior<Command> create(
      WorkerSupply supply,
      Function<Object, Object> keyOf,
      PoolSettings settings,
      CompletableFuture<Done> terminated,
      Part part) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers ->
                    new ThrottlingRouter(
                        context, timers, supply, keyOf, settings, terminated, part)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Submit.class, this::onSubmit)
        .onMessage(WorkerDone.class, this::onWorkerDone)
        .onMessage(StartGather.class, this::onStartGather)
        .onMessage(CancelGather.class, this::onCancelGather)
        .onMessage(OpenStream.class, this::onOpenStream)
        .onMessage(RetryDue.class, this::onRetryDue)
        .onMessage(CancelBatch.class, this::onCancelBatch)
        .onMessage(EndBatch.class, this::onEndBatch)
        .onMessage(WorkerTerminated.class, this::onWorkerTerminated)
        .onMessage(WorkersJoined.class, this::onWorkersJoined)
        .onMessage(WorkersUnavailable.class, this::onWorkersUnavailable)
        .onMessage(WorkersLost.class, this::onWorkersLost)
        .onMessage(WorkersAvailable.class, this::onWorkersAvailable)
        .onMessage(KeyRested.class, this::onKeyRested)
        .onMessage(Politeness.Due.class, this::onPolitenessDue)
        .onMessage(GatherTerminated.class, this::onGatherTerminated)
        .onMessageEquals(RefillTick.INSTANCE, this::onRefill)
        .onMessageEquals(Close.INSTANCE, this::onClose)
        .onMessageEquals(CloseTimedOut.INSTANCE, this::onCloseTimedOut)
        .onMessageEquals(SendOutcomes.INSTANCE, this::onSendOutcomes)
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  private Behavior<Command> onSubmit(Submit submit) {
    CancelBatch cancelled =
        closing
            ? new CancelBatch(submit.batch().id(), ErrorKind.CANCELLED, POOL_CLOSED)
            : cancelledBatches.get(submit.batch().id());
    if (cancelled != null) {
      Instant now = Instant.now();
      submit.jobs().forEach(job -> failWaiting(job, cancelled.kind(), cancelled.message(), now));
      if (submit.ackTo() != null) {
        sendOutcomes();
        submit.ackTo().tell(new Accepted(submit.batch().id(), submit.jobs().size()));
      }
      return this;
    }
    waiting.park(submit);
    admitParked();
    dispatch();
    return this;
  }

  private Behavior<Command> onStartGather(StartGather start) {
    GatherSupervisor.Spec spec = start.spec();
    ActorRef<GatherSupervisor.Command> gather =
        getContext()
            .spawn(
                GatherSupervisor.create(getContext().getSelf(), spec),
                gatherName(spec.id()),
                DispatcherSelector.sameAsParent());
    getContext().watchWith(gather, new GatherTerminated(spec.id()));
    gathers.add(spec.id());
    if (closing) {
      gather.tell(GatherSupervisor.Cancel.INSTANCE);
    }
    return this;
  }

  private static String gatherName(long id) {
    return "gather-" + id;
  }

  private Behavior<Command> onCancelGather(CancelGather cancel) {
    getContext()
        .getChild(gatherName(cancel.gatherId()))
        .ifPresent(child -> child.unsafeUpcast().tell(GatherSupervisor.Cancel.INSTANCE));
    return this;
  }

  private Behavior<Command> onGatherTerminated(GatherTerminated ended) {
    gathers.remove(ended.gatherId());
    return stopIfClosed();
  }

  private Behavior<Command> onOpenStream(OpenStream open) {
    streams.put(open.batchId(), open.replyTo());
    if (closing) {
      sendOutcomes();
      open.replyTo().tell(new PoolClosing(open.batchId()));
    }
    return this;
  }

  private Behavior<Command> onWorkerDone(WorkerDone done) {
    JobQueue.Queued entry = running.get(done.worker());
    if (entry == null
        || !entry.job().isRun(done.batchId(), done.outcome().index(), done.attempt())) {
      dropStale(done);
      return this;
    }
    running.remove(done.worker());
    waiting.finished(entry);
    rateOpened();
    boolean throttled = politeness.heard(entry, done.outcome(), waiting.running(entry.key()));
    if (closing) {
      stopWorker(done.worker());
    } else if (!unavailable.contains(done.worker())) {
      idle.addLast(done.worker());
    }
    Job<?> job = entry.job();
    Outcome<?> outcome = done.outcome();
    if (outcome instanceof Outcome.Failure<?> failure
        && failure.cause() instanceof RetryableFailure retryable) {
      // A rerun after a lost worker is no retry; a throttled host's answer gets extra ones.
      int retries = retry.maxRetries() + (throttled ? politeness.throttledRetries() : 0);
      if (job.retries() < retries && !cancelledBatches.containsKey(job.batch().id()) && !closing) {
        scheduleRetry(entry, failure, retryable);
        dispatch();
        return this;
      }
      outcome = finalOutcome(failure, retryable);
    }
    deliver(job.batch(), outcome);
    if (job.batch().failFast() && !outcome.isSuccess()) {
      cancelBatch(
          new CancelBatch(
              done.batchId(),
              ErrorKind.CANCELLED,
              "cancelled after item " + outcome.index() + " failed"));
    }
    dispatch();
    return stopIfClosed();
  }

  private void scheduleRetry(
      JobQueue.Queued entry, Outcome.Failure<?> failure, RetryableFailure retryable) {
    Job<?> next = entry.job().nextAttempt(failure.startedAt());
    Duration delay = retry.delayBefore(entry.job().attempt(), retryable.retryAfter(), jitter);
    waiting.awaitRetry(next, entry.key());
    timers.startSingleTimer(next, new RetryDue(next), delay);
  }

  /** What a retryable failure amounts to once no retry is left. */
  static Outcome<?> finalOutcome(Outcome.Failure<?> failure, RetryableFailure retryable) {
    if (retryable.finalValue() != null) {
      return Outcome.success(
          failure.index(), retryable.finalValue(), failure.startedAt(), failure.finishedAt());
    }
    return Outcome.failure(
        failure.index(), retryable.finalError(), failure.startedAt(), failure.finishedAt());
  }

  private Behavior<Command> onRetryDue(RetryDue due) {
    if (waiting.retryDue(due.nextAttempt())) {
      dispatch();
    }
    return this;
  }

  /**
   * A report for a run the router does not track: a duplicate, or a lost worker's for a run handed
   * to another worker. Dropped; a lost worker that sent it has nothing in hand any more.
   */
  private void dropStale(WorkerDone done) {
    Job<?> lostRun = writtenOff.get(done.worker());
    if (lostRun != null && lostRun.isRun(done.batchId(), done.outcome().index(), done.attempt())) {
      writtenOff.remove(done.worker());
    }
    getContext()
        .getLog()
        .debug(
            "dropping a stale report for attempt {} of item {} of batch {}",
            done.attempt(),
            done.outcome().index(),
            done.batchId());
  }

  private Behavior<Command> onWorkerTerminated(WorkerTerminated terminated) {
    ActorRef<Worker.Command> worker = terminated.worker();
    idle.remove(worker);
    unavailable.remove(worker);
    writtenOff.remove(worker);
    JobQueue.Queued entry = running.remove(worker);
    if (entry != null) {
      takeBack(entry, "worker stopped");
    }
    dispatch();
    return stopIfClosed();
  }

  /**
   * The job of a worker that stopped or was lost mid-run: an offered worker's runs again (it may
   * have reached its target, so this is another attempt); a local worker's, or one no longer wanted
   * (its batch cancelled, the pool closing), fails as crashed.
   */
  private void takeBack(JobQueue.Queued entry, String why) {
    waiting.finished(entry);
    rateOpened();
    Job<?> job = entry.job();
    Instant now = Instant.now();
    if (supply.rerunLostJobs() && !closing && !cancelledBatches.containsKey(job.batch().id())) {
      waiting.rerun(job.rerun(now), entry.key());
    } else {
      deliver(job.batch(), Outcome.failure(job.index(), ErrorKind.CRASHED, why, null, now, now));
    }
  }

  private Behavior<Command> onWorkersJoined(WorkersJoined joined) {
    for (ActorRef<Worker.Command> worker : joined.workers()) {
      if (closing) {
        continue; // its node stops it when this router is gone
      }
      getContext().watchWith(worker, new WorkerTerminated(worker));
      idle.addLast(worker);
    }
    dispatch();
    return this;
  }

  private Behavior<Command> onWorkersUnavailable(WorkersUnavailable gone) {
    for (ActorRef<Worker.Command> worker : gone.workers()) {
      unavailable.add(worker);
      idle.remove(worker);
    }
    return this;
  }

  private Behavior<Command> onWorkersLost(WorkersLost lost) {
    int handedBack = 0;
    for (ActorRef<Worker.Command> worker : lost.workers()) {
      unavailable.add(worker);
      idle.remove(worker);
      JobQueue.Queued entry = running.remove(worker);
      if (entry != null) {
        writtenOff.put(worker, entry.job());
        takeBack(entry, "worker lost");
        handedBack++;
      }
    }
    if (handedBack > 0) {
      getContext()
          .getLog()
          .warn(
              "{} jobs of {} unreachable workers run again on others",
              handedBack,
              lost.workers().size());
    }
    dispatch();
    return stopIfClosed();
  }

  private Behavior<Command> onWorkersAvailable(WorkersAvailable back) {
    for (ActorRef<Worker.Command> worker : back.workers()) {
      if (!unavailable.remove(worker)) {
        continue;
      }
      Job<?> lostRun = writtenOff.remove(worker);
      if (lostRun != null) {
        // Ahead of its next job (messages to one actor keep their order): the worker is free for
        // it.
        worker.tell(
            new Worker.Cancel(lostRun, ErrorKind.CANCELLED, "cancelled: run again elsewhere"));
      }
      if (!running.containsKey(worker)) {
        idle.addLast(worker);
      }
    }
    dispatch();
    return this;
  }

  private Behavior<Command> onKeyRested(KeyRested rested) {
    waiting.rested(rested.key());
    dispatch();
    return this;
  }

  private Behavior<Command> onPolitenessDue(Politeness.Due due) {
    Object reopened = politeness.due(due);
    if (reopened != null) {
      waiting.reopen(reopened);
      dispatch();
    }
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

  private Behavior<Command> onEndBatch(EndBatch end) {
    if (cancelledBatches.get(end.batchId()) == null) {
      cancelWhere(end.batchId(), ErrorKind.CANCELLED, "cancelled: the stream stopped");
      admitParked();
    }
    cancelledBatches.remove(end.batchId());
    streams.remove(end.batchId());
    dispatch();
    return stopIfClosed();
  }

  private Behavior<Command> onClose() {
    if (closing) {
      return this;
    }
    closing = true;
    cancelWhere(ALL_BATCHES, ErrorKind.CANCELLED, POOL_CLOSED);
    sendOutcomes();
    streams.forEach((batchId, stream) -> stream.tell(new PoolClosing(batchId)));
    idle.forEach(this::stopWorker);
    idle.clear();
    timers.cancel(REFILL_KEY);
    timers.startSingleTimer(CLOSE_KEY, CloseTimedOut.INSTANCE, settings.closeTimeout());
    return stopIfClosed();
  }

  private Behavior<Command> onCloseTimedOut() {
    sendOutcomes();
    getContext()
        .getLog()
        .warn(
            "pool closed after {} with {} jobs running, {} gathers and {} streams unfinished",
            Durations.format(settings.closeTimeout()),
            running.size(),
            gathers.size(),
            streams.size());
    return Behaviors.stopped();
  }

  private void stopWorker(ActorRef<Worker.Command> worker) {
    if (supply.ownsWorkers()) {
      getContext().stop(worker);
    }
  }

  /** Once closing, stops when nothing is left to deliver; the subtree stops with the router. */
  private Behavior<Command> stopIfClosed() {
    if (closing && running.isEmpty() && gathers.isEmpty() && streams.isEmpty()) {
      sendOutcomes();
      return Behaviors.stopped();
    }
    return this;
  }

  private Behavior<Command> onPostStop() {
    terminated.complete(Done.getInstance());
    return this;
  }

  /**
   * Fails the waiting jobs of a batch (or of all, with {@link #ALL_BATCHES}) and cancels its
   * running ones.
   */
  private void cancelWhere(long batchId, ErrorKind kind, String message) {
    Instant now = Instant.now();
    for (Job<?> job : waiting.removeBatch(batchId)) {
      timers.cancel(job); // a no-op unless the job was waiting for a retry
      failWaiting(job, kind, message, now);
    }
    running.forEach(
        (worker, entry) -> {
          Job<?> job = entry.job();
          if (batchId == ALL_BATCHES || job.batch().id() == batchId) {
            worker.tell(new Worker.Cancel(job, kind, message));
          }
        });
  }

  /**
   * Fails a job that is not running; one waiting for a retry keeps the start of its first attempt.
   */
  private void failWaiting(Job<?> job, ErrorKind kind, String message, Instant now) {
    Instant started = job.firstStartedAt() != null ? job.firstStartedAt() : now;
    deliver(job.batch(), Outcome.failure(job.index(), kind, message, null, started, now));
  }

  /**
   * Holds a job's outcome back until the router has handled the messages now in its mailbox (a
   * {@link SendOutcomes} to itself marks the spot), so that the outcomes of one pass go to their
   * gather in one message.
   */
  private void deliver(Batch batch, Outcome<?> outcome) {
    if (batch.id() == Politeness.PROBE_BATCH_ID) {
      politeness.probed(outcome); // a probe's outcome is its key's rules, no gather's
      return;
    }
    part.finished(outcome);
    if (!sendOutcomesQueued) {
      sendOutcomesQueued = true;
      getContext().getSelf().tell(SendOutcomes.INSTANCE);
    }
    for (int i = unsent.size() - 1; i >= 0; i--) {
      if (unsent.get(i).batch().id() == batch.id()) {
        unsent.get(i).outcomes().add(outcome);
        return;
      }
    }
    List<Outcome<?>> outcomes = new ArrayList<>();
    outcomes.add(outcome);
    unsent.add(new Unsent(batch, outcomes));
  }

  private Behavior<Command> onSendOutcomes() {
    sendOutcomesQueued = false;
    sendOutcomes();
    return this;
  }

  /** Sends every outcome held back; called before any other reply, so replies keep their order. */
  private void sendOutcomes() {
    for (Unsent batch : unsent) {
      batch.batch().replyTo().tell(new JobsFinished(batch.batch().id(), batch.outcomes()));
    }
    unsent.clear();
  }

  private record Unsent(Batch batch, List<Outcome<?>> outcomes) {}

  private Behavior<Command> onRefill() {
    refilling = false;
    bucket.refill();
    dispatch();
    if (!bucket.isFull()) {
      startRefilling();
    }
    return this;
  }

  private void admitParked() {
    for (Submit admitted : waiting.admitParked()) {
      if (admitted.ackTo() != null) {
        sendOutcomes();
        admitted.ackTo().tell(new Accepted(admitted.batch().id(), admitted.jobs().size()));
      }
    }
  }

  /** The pool's first start has ended: the next start comes one spacing from now, not at once. */
  private void rateOpened() {
    if (rateOpening) {
      rateOpening = false;
      bucket.drain();
      startRefilling();
    }
  }

  /** Starts what may start, then publishes the pool's gauges. */
  private void dispatch() {
    startWhatMay();
    part.gauges(running.size(), waiting.waitingCount());
  }

  /** Starts queued jobs while a slot, a token and a job whose key is below its limit are there. */
  private void startWhatMay() {
    while (!closing
        && waiting.hasStartable()
        && running.size() < settings.maxConcurrency()
        && !(rateOpening && !running.isEmpty())) {
      if (!bucket.hasToken()) {
        startRefilling();
        return;
      }
      JobQueue.Queued next = waiting.takeNext();
      if (next == null) {
        return; // every waiting job's key is at its limit
      }
      Politeness.Verdict verdict = politeness.verdict(next);
      if (verdict == Politeness.Verdict.REFUSE) {
        waiting.finished(next);
        refuse(next);
        continue;
      }
      if (verdict == Politeness.Verdict.PROBE) {
        next = waiting.swap(next, politeness.probe(next.key()));
      }
      ActorRef<Worker.Command> worker = idle.isEmpty() ? spawnWorker() : idle.pollFirst();
      if (worker == null) {
        waiting.putBack(next); // no worker to be had now: one will join, or come back from its job
        return;
      }
      bucket.take();
      worker.tell(new Worker.Run(next.job()));
      running.put(worker, supply.rerunLostJobs() ? startedNow(next) : next);
      politeness.started(next);
      part.started();
      restKey(next);
      if (!bucket.isFull()) {
        startRefilling();
      }
      admitParked();
    }
  }

  /** Ends a job its key's rules refuse, without a start; under fail-fast it fails its batch. */
  private void refuse(JobQueue.Queued refused) {
    Outcome<?> outcome = politeness.refusal(refused);
    Batch batch = refused.job().batch();
    deliver(batch, outcome);
    if (batch.failFast()) {
      cancelBatch(
          new CancelBatch(
              batch.id(),
              ErrorKind.CANCELLED,
              "cancelled after item " + outcome.index() + " failed"));
    }
  }

  /**
   * The router's own record of a job it hands to an offered worker, with the start of its first
   * attempt: if the worker is lost, its rerun's outcome still counts from that start, as a retry's
   * does from the failed attempt's.
   */
  private static JobQueue.Queued startedNow(JobQueue.Queued next) {
    Job<?> job = next.job();
    return job.firstStartedAt() != null
        ? next
        : new JobQueue.Queued(job.startedAt(Instant.now()), next.key());
  }

  /**
   * One refill tick at a time, each armed after the previous one was handled: a tick that comes
   * late (a busy machine, or virtual time moved on in one step) adds one tick's tokens, never a
   * burst of the ticks it missed, so no window of time ever sees more starts than the bucket
   * allows. Under load the rate can only fall short of the limit, never exceed it.
   */
  private void startRefilling() {
    if (!refilling && !bucket.isUnlimited()) {
      refilling = true;
      timers.startSingleTimer(REFILL_KEY, RefillTick.INSTANCE, bucket.tickInterval());
    }
  }

  private ActorRef<Worker.Command> spawnWorker() {
    ActorRef<Worker.Command> worker = supply.spawn(getContext(), workerNames + 1);
    if (worker != null) {
      workerNames++;
      getContext().watchWith(worker, new WorkerTerminated(worker));
    }
    return worker;
  }

  /**
   * With a spacing per key (a rate per key, an adapted rate, a crawl delay, a server's pacing), a
   * key that just started a job rests for one spacing before its next start; one timer per resting
   * key, so a key's starts are evenly spaced while other keys flow.
   */
  private void restKey(JobQueue.Queued started) {
    if (started.key() == null) {
      return;
    }
    Duration spacing = politeness.spacing(started.key());
    if (!spacing.isZero()) {
      waiting.rest(started.key());
      timers.startSingleTimer(new KeyRested(started.key()), new KeyRested(started.key()), spacing);
    } else if (politeness.opensAlone()) {
      waiting.openAlone(started.key());
    }
  }
}
