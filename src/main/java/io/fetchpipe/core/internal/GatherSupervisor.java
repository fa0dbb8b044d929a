package io.fetchpipe.core.internal;

import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One per gather: submits the gather's requests to the router in batches (one batch in flight,
 * so the router's queue bounds the backlog), collects exactly one outcome per index, and turns
 * everything that goes wrong into failure outcomes: task errors and timeouts (from the workers),
 * crashes (from the router), cancellation and the deadline (here). It stops only when every
 * index has its outcome, so no report ever arrives at a dead actor.
 */
public final class GatherSupervisor extends AbstractBehavior<GatherSupervisor.Command> {

  /** Messages the supervisor understands. */
  public interface Command {}

  /** Cancel every unfinished item: each fails with {@link ErrorKind#CANCELLED}. */
  public enum Cancel implements Command {
    INSTANCE
  }

  private record FromRouter(ThrottlingRouter.Reply reply) implements Command {}

  private record DeadlinePassed(Duration deadline) implements Command {}

  private final ActorRef<ThrottlingRouter.Command> router;
  private final Batch batch;
  private final List<?> requests;
  private final int submitBatch;
  private final OutcomeSink sink;
  private final CompletableFuture<Done> done;
  private final BitSet reported;

  private int nextToSubmit;
  private int outcomeCount;
  private boolean awaitingAccept;
  private boolean stopping;

  private GatherSupervisor(
      ActorContext<Command> context,
      ActorRef<ThrottlingRouter.Command> router,
      long batchId,
      List<?> requests,
      Duration jobTimeout,
      boolean failFast,
      int submitBatch,
      OutcomeSink sink,
      CompletableFuture<Done> done) {
    super(context);
    this.router = router;
    this.requests = requests;
    this.submitBatch = submitBatch;
    this.sink = sink;
    this.done = done;
    this.reported = new BitSet(requests.size());
    ActorRef<ThrottlingRouter.Reply> replyTo =
        context.messageAdapter(ThrottlingRouter.Reply.class, FromRouter::new);
    this.batch = new Batch(batchId, jobTimeout, replyTo, failFast);
  }

  /**
   * A supervisor for one gather.
   *
   * @param router where jobs run
   * @param batchId unique per router
   * @param requests the inputs, index = position
   * @param jobTimeout per job, or null for none
   * @param deadline for the whole gather, or null for none
   * @param failFast whether the first failure cancels the rest
   * @param submitBatch most jobs per submit message
   * @param sink where outcomes go
   * @param done completed when every item has its outcome
   */
  public static Behavior<Command> create(
      ActorRef<ThrottlingRouter.Command> router,
      long batchId,
      List<?> requests,
      Duration jobTimeout,
      Duration deadline,
      boolean failFast,
      int submitBatch,
      OutcomeSink sink,
      CompletableFuture<Done> done) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  GatherSupervisor supervisor = new GatherSupervisor(
                      context, router, batchId, requests, jobTimeout, failFast, submitBatch, sink, done);
                  return supervisor.start(timers, deadline);
                }));
  }

  private Behavior<Command> start(TimerScheduler<Command> timers, Duration deadline) {
    if (requests.isEmpty()) {
      return finish();
    }
    if (deadline != null) {
      timers.startSingleTimer(new DeadlinePassed(deadline), deadline);
    }
    submitNext();
    return this;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(FromRouter.class, this::onRouterReply)
        .onMessageEquals(Cancel.INSTANCE, this::onCancel)
        .onMessage(DeadlinePassed.class, this::onDeadline)
        .build();
  }

  private Behavior<Command> onRouterReply(FromRouter message) {
    if (message.reply() instanceof ThrottlingRouter.JobFinished finished) {
      record(finished.outcome());
    } else if (message.reply() instanceof ThrottlingRouter.Accepted) {
      awaitingAccept = false;
      submitNext();
    }
    return outcomeCount == requests.size() ? finish() : this;
  }

  private Behavior<Command> onCancel() {
    stop(ErrorKind.CANCELLED, "cancelled");
    return outcomeCount == requests.size() ? finish() : this;
  }

  private Behavior<Command> onDeadline(DeadlinePassed passed) {
    stop(ErrorKind.TIMEOUT, "gather deadline of " + Durations.format(passed.deadline()) + " passed");
    return outcomeCount == requests.size() ? finish() : this;
  }

  private void submitNext() {
    if (awaitingAccept || stopping || nextToSubmit == requests.size()) {
      return;
    }
    int end = Math.min(requests.size(), nextToSubmit + submitBatch);
    List<Job<?>> jobs = new ArrayList<>(end - nextToSubmit);
    for (int i = nextToSubmit; i < end; i++) {
      jobs.add(new Job<>(batch, i, requests.get(i)));
    }
    nextToSubmit = end;
    awaitingAccept = true;
    router.tell(new ThrottlingRouter.Submit(batch, jobs, batch.replyTo()));
  }

  private void record(Outcome<?> outcome) {
    int index = outcome.index();
    if (index < 0 || index >= requests.size() || reported.get(index)) {
      getContext().getLog().error("ignoring a second outcome for item {} of gather {}", index, batch.id());
      return;
    }
    reported.set(index);
    outcomeCount++;
    if (!sink.accept(outcome)) {
      stop(ErrorKind.CANCELLED, sink.stopReason());
    }
  }

  /** Fails what was never submitted here and asks the router to fail the rest. */
  private void stop(ErrorKind kind, String message) {
    if (stopping) {
      return;
    }
    stopping = true;
    Instant now = Instant.now();
    int unsubmitted = nextToSubmit;
    nextToSubmit = requests.size();
    for (int i = unsubmitted; i < requests.size(); i++) {
      record(Outcome.failure(i, kind, message, null, now, now));
    }
    if (outcomeCount < requests.size()) {
      router.tell(new ThrottlingRouter.CancelBatch(batch.id(), kind, message));
    }
  }

  private Behavior<Command> finish() {
    if (stopping) {
      router.tell(new ThrottlingRouter.ReleaseBatch(batch.id()));
    }
    // `done` first: whoever reacts to the sink's completion (a stream) then sees the gather as
    // done and sends it nothing more.
    done.complete(Done.getInstance());
    sink.complete();
    return Behaviors.stopped();
  }
}
