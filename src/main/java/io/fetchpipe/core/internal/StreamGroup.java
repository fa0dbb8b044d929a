package io.fetchpipe.core.internal;

import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * The jobs of one materialization of a job flow: they share one batch id (each job with its own
 * reply address), so the router can cancel them together, on fail-fast or when the stream stops.
 *
 * @param <Q> the request type
 * @param <R> the result type
 */
public final class StreamGroup<Q, R> {
  // Jobs carry their own timeouts; the ask only needs a bound so a lost reply cannot hang a stream forever.
  private static final Duration ASK_LIMIT = Duration.ofHours(24);

  private final long id;
  private final ActorRef<ThrottlingRouter.Command> router;
  private final ActorSystem<?> system;
  private final Duration jobTimeout;
  private final boolean failFast;
  private volatile String stopReason;

  /**
   * A group.
   *
   * @param id a batch id unique for the router
   * @param jobTimeout per job, or null for none
   * @param failFast whether the first failure cancels the rest
   */
  public StreamGroup(long id, ActorRef<ThrottlingRouter.Command> router, ActorSystem<?> system, Duration jobTimeout,
      boolean failFast) {
    this.id = id;
    this.router = router;
    this.system = system;
    this.jobTimeout = jobTimeout;
    this.failFast = failFast;
  }

  /** The stage running this group's elements, at most {@code window} at once. */
  public Flow<Q, Pair<Q, Outcome<R>>, NotUsed> stage(int window, boolean ordered) {
    Flow<Q, Pair<Q, Long>, NotUsed> indexed = Flow.<Q>create().zipWithIndex();
    Flow<Q, Pair<Q, Outcome<R>>, NotUsed> run = ordered
        ? indexed.mapAsync(window, pair -> run(pair.first(), Math.toIntExact(pair.second())))
        : indexed.mapAsyncUnordered(window, pair -> run(pair.first(), Math.toIntExact(pair.second())));
    Flow<Q, Pair<Q, Outcome<R>>, NotUsed> checked = failFast ? run.map(this::stopOnFailure) : run;
    return checked.watchTermination((notUsed, terminated) -> cancelWhenDone(terminated));
  }

  @SuppressWarnings("unchecked")
  private CompletionStage<Pair<Q, Outcome<R>>> run(Q request, int index) {
    String stopped = stopReason;
    if (stopped != null) {
      Instant now = Instant.now();
      return CompletableFuture.completedFuture(
          Pair.create(request, Outcome.failure(index, ErrorKind.CANCELLED, stopped, null, now, now)));
    }
    CompletionStage<ThrottlingRouter.Reply> reply = AskPattern.ask(
        router, replyTo -> submit(new Batch(id, jobTimeout, replyTo, failFast), index, request), ASK_LIMIT,
        system.scheduler());
    // An explicit executor: the ask's stage would otherwise run this on the JDK's default async
    // executor, which on a two-core machine starts a thread per callback.
    return reply.handleAsync((message, error) -> {
      if (message instanceof ThrottlingRouter.JobFinished finished) {
        return Pair.create(request, (Outcome<R>) finished.outcome());
      }
      Instant now = Instant.now();
      return Pair.create(request, Outcome.failure(index, ErrorKind.TIMEOUT,
          "no outcome within " + ASK_LIMIT.toHours() + "h", error, now, now));
    }, system.executionContext());
  }

  private static ThrottlingRouter.Command submit(Batch batch, int index, Object request) {
    return new ThrottlingRouter.Submit(batch, List.of(new Job<>(batch, index, request)), null);
  }

  // The router has already cancelled the group's running and queued jobs when it saw the failure;
  // this stops the stage from submitting the elements that arrive from now on.
  private Pair<Q, Outcome<R>> stopOnFailure(Pair<Q, Outcome<R>> pair) {
    if (pair.second() instanceof Outcome.Failure<R> failure && stopReason == null) {
      // A cancellation caused by the router's fail-fast already names the item that failed.
      stopReason = failure.kind() == ErrorKind.CANCELLED
          ? failure.message()
          : "cancelled after item " + failure.index() + " failed";
    }
    return pair;
  }

  /**
   * When the stage stops (completed, failed or cancelled downstream), jobs of the group still
   * queued or running are cancelled, so a stopped stream leaves no work behind; then the router
   * forgets the group.
   */
  private NotUsed cancelWhenDone(CompletionStage<Done> terminated) {
    terminated.whenComplete((done, error) -> {
      router.tell(new ThrottlingRouter.CancelBatch(id, ErrorKind.CANCELLED, "cancelled: the stream stopped"));
      router.tell(new ThrottlingRouter.ReleaseBatch(id));
    });
    return NotUsed.getInstance();
  }
}
