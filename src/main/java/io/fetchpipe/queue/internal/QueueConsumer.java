package io.fetchpipe.queue.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.JobHandler;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.TaskContext;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Takes one item at a time from the producer (it asks, the producer answers), runs the consumer
 * logic on it and reports the outcome. A logic that throws crashes the consumer on purpose: its
 * restart signal reports the item as a failure, and the fresh instance asks for the next item.
 * On the end-of-input sentinel (which only comes in answer to its own demand, so no item is in
 * progress) the consumer says so and stops.
 */
@InternalApi
final class QueueConsumer extends AbstractBehavior<QueueConsumer.Command> {

  /** Messages a consumer understands. */
  interface Command {}

  /** An item to consume. */
  record Work(Item<?> item) implements Command {}

  /** The sentinel: nothing more will come. */
  enum EndOfInput implements Command {
    INSTANCE
  }

  private record Finished(Item<?> item, Object value, Throwable error) implements Command {}

  private final String name;
  private final ActorRef<QueueProducer.Command> producer;
  private final ActorRef<PipelineSupervisor.Command> supervisor;
  private final JobHandler<Object, Object> logic;
  private Item<?> current;
  private Instant startedAt;
  private Throwable crash;

  private QueueConsumer(ActorContext<Command> context, String name, ActorRef<QueueProducer.Command> producer,
      ActorRef<PipelineSupervisor.Command> supervisor, JobHandler<Object, Object> logic) {
    super(context);
    this.name = name;
    this.producer = producer;
    this.supervisor = supervisor;
    this.logic = logic;
  }

  @SuppressWarnings("unchecked")
  static Behavior<Command> create(String name, ActorRef<QueueProducer.Command> producer,
      ActorRef<PipelineSupervisor.Command> supervisor, JobHandler<?, ?> logic) {
    JobHandler<Object, Object> erased = (JobHandler<Object, Object>) logic;
    return Behaviors.setup(context -> {
      producer.tell(new QueueProducer.Demand(context.getSelf()));
      return new QueueConsumer(context, name, producer, supervisor, erased);
    });
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Work.class, this::onWork)
        .onMessage(Finished.class, this::onFinished)
        .onMessageEquals(EndOfInput.INSTANCE, this::onEndOfInput)
        .onSignal(PreRestart.class, signal -> onCrash())
        .build();
  }

  private Behavior<Command> onWork(Work work) {
    current = work.item();
    startedAt = Instant.now();
    CompletionStage<Object> running;
    try {
      running = logic.handle(work.item().value(), new ItemContext(work.item().index()));
    } catch (RuntimeException e) {
      crash = e;
      throw e; // restart; the PreRestart signal reports the item
    }
    Item<?> item = work.item();
    java.util.concurrent.CompletableFuture<Object> done = running.toCompletableFuture();
    if (done.isDone() && !done.isCompletedExceptionally()) {
      // Already finished (synchronous logic): no round trip through the mailbox.
      return onFinished(new Finished(item, done.getNow(null), null));
    }
    getContext().pipeToSelf(running, (value, error) -> new Finished(item, value, error));
    return this;
  }

  private Behavior<Command> onFinished(Finished finished) {
    Instant now = Instant.now();
    Outcome<Object> outcome = finished.error() == null
        ? Outcome.success(finished.item().index(), finished.value(), startedAt, now)
        : Outcome.failure(finished.item().index(), finished.error(), startedAt, now);
    report(outcome);
    producer.tell(new QueueProducer.Demand(getContext().getSelf()));
    return this;
  }

  private Behavior<Command> onCrash() {
    if (current != null) {
      Instant now = Instant.now();
      report(crash != null
          ? Outcome.failure(current.index(), crash, startedAt, now)
          : Outcome.failure(current.index(), ErrorKind.CRASHED, "consumer crashed", null, startedAt, now));
    }
    return this;
  }

  private void report(Outcome<?> outcome) {
    current = null;
    supervisor.tell(new PipelineSupervisor.Consumed(name, outcome));
  }

  private Behavior<Command> onEndOfInput() {
    supervisor.tell(new PipelineSupervisor.ConsumerDone(name));
    return Behaviors.stopped();
  }

  /** A consumed item's context: its index; items are not cancelled one by one. */
  private record ItemContext(int index) implements TaskContext {
    @Override
    public int attempt() {
      return 1;
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public java.util.Optional<ErrorKind> cancellation() {
      return java.util.Optional.empty();
    }

    @Override
    public void onCancel(Runnable hook) {
      // Pipelines end by running out of input, never by cancelling an item.
    }
  }
}
