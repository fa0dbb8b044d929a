package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.Durations;
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
 * One per gather, a child of its pool's router: submits the gather's requests in batches (one batch
 * in flight, so the router's queue bounds the backlog), collects exactly one outcome per index, and
 * turns everything that goes wrong into failure outcomes: task errors and timeouts (from the
 * workers), crashes (from the router), cancellation and the deadline (here). It stops only when
 * every index has its outcome, so no report ever arrives at a dead actor, and the pool waits for it
 * before it closes.
 */
@InternalApi
public final class GatherSupervisor extends AbstractBehavior<GatherSupervisor.Command> {

  /** Messages the supervisor understands. */
  public interface Command {}

  /** Cancel every unfinished item: each fails with {@link ErrorKind#CANCELLED}. */
  public enum Cancel implements Command {
    INSTANCE
  }

  private record FromRouter(ThrottlingRouter.Reply reply) implements Command {}

  private record DeadlinePassed(Duration deadline) implements Command {}

  /**
   * What one gather runs.
   *
   * @param id unique within the pool (it is the batch id)
   * @param requests the inputs, index = position
   * @param jobTimeout per job, or null for none
   * @param deadline for the whole gather, or null for none
   * @param failFast whether the first failure cancels the rest
   * @param submitBatch most jobs per submit message
   * @param sink where outcomes go
   * @param done completed when every item has its outcome
   */
  public record Spec(
      long id,
      List<?> requests,
      Duration jobTimeout,
      Duration deadline,
      boolean failFast,
      int submitBatch,
      OutcomeSink sink,
      CompletableFuture<Done> done) {}

  private final ActorRef<ThrottlingRouter.Command> router;
  private final Spec spec;
  private final Batch batch;
  private final BitSet reported;

  private int nextToSubmit;
  private int outcomeCount;
  private boolean awaitingAccept;
  private boolean stopping;

  private GatherSupervisor(
      ActorContext<Command> context, ActorRef<ThrottlingRouter.Command> router, Spec spec) {
    super(context);
    this.router = router;
    this.spec = spec;
    this.reported = new BitSet(spec.requests().size());
    ActorRef<ThrottlingRouter.Reply> replyTo =
        context.messageAdapter(ThrottlingRouter.Reply.class, FromRouter::new);
    this.batch = new Batch(spec.id(), spec.jobTimeout(), replyTo, spec.failFast());
  }

  /** A supervisor for one gather, submitting to {@code router}. */
  public static Behavior<Command> create(ActorRef<ThrottlingRouter.Command> router, Spec spec) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> new GatherSupervisor(context, router, spec).start(timers)));
  }

  private Behavior<Command> start(TimerScheduler<Command> timers) {
    if (spec.requests().isEmpty()) {
      return finish();
    }
    if (spec.deadline() != null) {
      timers.startSingleTimer(new DeadlinePassed(spec.deadline()), spec.deadline());
    }
    submitNext();
    return this;
  }

  private int size() {
    return spec.requests().size();
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
    if (message.reply() instanceof ThrottlingRouter.JobsFinished finished) {
      finished.outcomes().forEach(this::record);
    } else if (message.reply() instanceof ThrottlingRouter.Accepted) {
      awaitingAccept = false;
      submitNext();
    }
    return outcomeCount == size() ? finish() : this;
  }

  private Behavior<Command> onCancel() {
    stop(ErrorKind.CANCELLED, "cancelled");
    return outcomeCount == size() ? finish() : this;
  }

  private Behavior<Command> onDeadline(DeadlinePassed passed) {
    stop(
        ErrorKind.TIMEOUT, "gather deadline of " + Durations.format(passed.deadline()) + " passed");
    return outcomeCount == size() ? finish() : this;
  }

  private void submitNext() {
    if (awaitingAccept || stopping || nextToSubmit == size()) {
      return;
    }
    int end = Math.min(size(), nextToSubmit + spec.submitBatch());
    List<Job<?>> jobs = new ArrayList<>(end - nextToSubmit);
    for (int i = nextToSubmit; i < end; i++) {
      jobs.add(new Job<>(batch, i, spec.requests().get(i)));
    }
    nextToSubmit = end;
    awaitingAccept = true;
    router.tell(new ThrottlingRouter.Submit(batch, jobs, batch.replyTo()));
  }

  private void record(Outcome<?> outcome) {
    int index = outcome.index();
    if (index < 0 || index >= size() || reported.get(index)) {
      getContext()
          .getLog()
          .error("ignoring a second outcome for item {} of gather {}", index, batch.id());
      return;
    }
    reported.set(index);
    outcomeCount++;
    if (!spec.sink().accept(outcome)) {
      stop(ErrorKind.CANCELLED, spec.sink().stopReason());
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
    nextToSubmit = size();
    for (int i = unsubmitted; i < size(); i++) {
      record(Outcome.failure(i, kind, message, null, now, now));
    }
    if (outcomeCount < size()) {
      router.tell(new ThrottlingRouter.CancelBatch(batch.id(), kind, message));
    }
  }

  private Behavior<Command> finish() {
    if (stopping) {
      router.tell(new ThrottlingRouter.EndBatch(batch.id()));
    }
    // `done` first: whoever reacts to the sink's completion (a stream) then sees the gather as
    // done and sends it nothing more.
    spec.done().complete(Done.getInstance());
    spec.sink().complete();
    return Behaviors.stopped();
  }
}
