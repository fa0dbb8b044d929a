package io.fetchpipe.queue.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.JobHandler;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.TaskContext;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Takes one item at a time from the producer and runs the consumer logic on it. Its first demand is
 * sent by the supervisor that spawns it; each item's outcome goes back to the producer as the
 * consumer's next demand ({@link QueueProducer.Done}), straight from the thread that completes the
 * logic's stage: the consumer has nothing left to do for an item once its logic has returned. A
 * logic that throws crashes the consumer on purpose: its restart signal reports the item as a
 * failure, which is its demand too, and the fresh instance gets the next item. On the end-of-input
 * sentinel (which only comes in answer to its own demand, so no item is in progress) the consumer
 * says so and stops.
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

  private final String name;
  private final ActorRef<QueueProducer.Command> producer;
  private final ActorRef<PipelineSupervisor.Command> supervisor;
  private final JobHandler<Object, Object> logic;
  private Item<?> current;
  private Instant startedAt;
  private Throwable crash;

  private QueueConsumer(
      ActorContext<Command> context,
      String name,
      ActorRef<QueueProducer.Command> producer,
      ActorRef<PipelineSupervisor.Command> supervisor,
      JobHandler<Object, Object> logic) {
    super(context);
    this.name = name;
    this.producer = producer;
    this.supervisor = supervisor;
    this.logic = logic;
  }

  @SuppressWarnings("unchecked")
  static Behavior<Command> create(
      String name,
      ActorRef<QueueProducer.Command> producer,
      ActorRef<PipelineSupervisor.Command> supervisor,
      JobHandler<?, ?> logic) {
    JobHandler<Object, Object> erased = (JobHandler<Object, Object>) logic;
    return Behaviors.setup(
        context -> new QueueConsumer(context, name, producer, supervisor, erased));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Work.class, this::onWork)
        .onMessageEquals(EndOfInput.INSTANCE, this::onEndOfInput)
        .onSignal(PreRestart.class, signal -> onCrash())
        .build();
  }

  private Behavior<Command> onWork(Work work) {
    Item<?> item = work.item();
    current = item;
    startedAt = Instant.now();
    CompletionStage<Object> running;
    try {
      // Items are not cancelled one by one: pipelines end by running out of input.
      running = logic.handle(item.value(), TaskContext.firstAttempt(item.index()));
    } catch (RuntimeException e) {
      crash = e;
      throw e; // restart; the PreRestart signal reports the item
    }
    Completion completion =
        new Completion(getContext().getSelf(), name, producer, item.index(), startedAt);
    if (running == null) {
      completion.accept(
          null,
          new IllegalStateException("consumer logic returned null instead of a CompletionStage"));
    } else {
      running.whenComplete(completion);
    }
    current = null;
    return this;
  }

  /** An item's end: its outcome goes to the producer, which answers with the next item. */
  private record Completion(
      ActorRef<Command> consumer,
      String name,
      ActorRef<QueueProducer.Command> producer,
      int index,
      Instant startedAt)
      implements BiConsumer<Object, Throwable> {
    @Override
    public void accept(Object value, Throwable error) {
      Instant now = Instant.now();
      producer.tell(
          new QueueProducer.Done(
              consumer,
              name,
              error == null
                  ? Outcome.success(index, value, startedAt, now)
                  : Outcome.failure(index, error, startedAt, now)));
    }
  }

  private Behavior<Command> onCrash() {
    if (current != null) {
      Instant now = Instant.now();
      report(
          crash != null
              ? Outcome.failure(current.index(), crash, startedAt, now)
              : Outcome.failure(
                  current.index(), ErrorKind.CRASHED, "consumer crashed", null, startedAt, now));
    }
    return this;
  }

  private void report(Outcome<?> outcome) {
    current = null;
    producer.tell(new QueueProducer.Done(getContext().getSelf(), name, outcome));
  }

  private Behavior<Command> onEndOfInput() {
    supervisor.tell(new PipelineSupervisor.ConsumerDone(name));
    return Behaviors.stopped();
  }
}
