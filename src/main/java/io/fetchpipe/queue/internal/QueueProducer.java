package io.fetchpipe.queue.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.internal.Part;
import io.fetchpipe.queue.PipelineSettings;
import io.fetchpipe.queue.PipelineSummary;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Holds the queue: items arrive from the input stream one at a time and are acknowledged only while
 * the queue has room, so a full queue backpressures the input exactly like {@code await
 * queue.put(...)}. Consumers pull: each {@link Demand} gets one item, or, once the input has ended
 * and the queue is empty, the end-of-input sentinel. A consumer's first demand comes from the
 * supervisor that spawns it; after that, each {@link Done} is a finished item's outcome and the
 * consumer's next demand in one message. The producer keeps the tally (per consumer, failed) and
 * passes each outcome on; it stops when every consumer has had its sentinel, and reports the tally
 * to the supervisor.
 */
@InternalApi
final class QueueProducer extends AbstractBehavior<QueueProducer.Command> {

  /** Messages the producer understands. */
  interface Command {}

  /** The input stream is ready; elements follow, one per acknowledgement. */
  record InputStarted(ActorRef<Ack> ackTo) implements Command {}

  /** One input element; acknowledged when the queue has room for the next. */
  record Offer(ActorRef<Ack> ackTo, Item<?> item) implements Command {}

  /** The input has no more elements. */
  enum InputDone implements Command {
    INSTANCE
  }

  /** The input failed; what was produced is still consumed. */
  record InputFailed(Throwable error) implements Command {}

  /** A consumer is ready for one item. */
  record Demand(ActorRef<QueueConsumer.Command> consumer) implements Command {}

  /**
   * A consumer finished an item with this outcome (a crashed consumer reports its item as a
   * failure) and is ready for the next one.
   */
  record Done(ActorRef<QueueConsumer.Command> consumer, String name, Outcome<?> outcome)
      implements Command {}

  /** The acknowledgement the input stream waits for. */
  enum Ack {
    INSTANCE
  }

  private final int capacity;
  private final int consumers;
  private final ActorRef<PipelineSupervisor.Command> supervisor;
  private final ArrayDeque<Item<?>> queue = new ArrayDeque<>();
  private final ArrayDeque<ActorRef<QueueConsumer.Command>> waiting = new ArrayDeque<>();
  private ActorRef<Ack> heldAck;
  private boolean inputDone;
  private String inputError;
  private long produced;
  private int maxBacklog;
  private int sentinelsSent;
  private final Consumer<Outcome<?>> onOutcome;
  private final Map<String, Long> consumed = new LinkedHashMap<>();
  private long failed;
  private final Part part;
  private int working; // items handed to consumers and not yet done

  private QueueProducer(
      ActorContext<Command> context,
      PipelineSettings settings,
      ActorRef<PipelineSupervisor.Command> supervisor,
      List<String> consumerNames,
      Consumer<Outcome<?>> onOutcome,
      Part part) {
    super(context);
    this.part = part;
    this.capacity = settings.queueCapacity();
    this.consumers = settings.consumers();
    this.supervisor = supervisor;
    this.onOutcome = onOutcome;
    consumerNames.forEach(name -> consumed.put(name, 0L));
  }

  /** A producer for consumers of these names, passing every outcome to {@code onOutcome}. */
  static Behavior<Command> create(
      PipelineSettings settings,
      ActorRef<PipelineSupervisor.Command> supervisor,
      List<String> consumerNames,
      Consumer<Outcome<?>> onOutcome,
      Part part) {
    return Behaviors.setup(
        context ->
            new QueueProducer(context, settings, supervisor, consumerNames, onOutcome, part));
  }

  /** Hands {@code item} to {@code consumer} and tells the run's part. */
  private void work(ActorRef<QueueConsumer.Command> consumer, Item<?> item) {
    consumer.tell(new QueueConsumer.Work(item));
    working++;
    part.started();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(InputStarted.class, this::onInputStarted)
        .onMessage(Offer.class, this::onOffer)
        .onMessageEquals(InputDone.INSTANCE, this::onInputDone)
        .onMessage(InputFailed.class, this::onInputFailed)
        .onMessage(Demand.class, this::onDemand)
        .onMessage(Done.class, this::onDone)
        .build();
  }

  private Behavior<Command> onInputStarted(InputStarted started) {
    started.ackTo().tell(Ack.INSTANCE);
    return this;
  }

  private Behavior<Command> onOffer(Offer offer) {
    produced++;
    ActorRef<QueueConsumer.Command> consumer = waiting.pollFirst();
    if (consumer != null) {
      work(consumer, offer.item());
    } else {
      queue.addLast(offer.item());
      maxBacklog = Math.max(maxBacklog, queue.size());
    }
    part.gauges(working, queue.size());
    if (queue.size() < capacity) {
      offer.ackTo().tell(Ack.INSTANCE);
    } else {
      heldAck = offer.ackTo(); // the queue is full: the input waits
    }
    return this;
  }

  private Behavior<Command> onDone(Done done) {
    consumed.merge(done.name(), 1L, Long::sum);
    if (!done.outcome().isSuccess()) {
      failed++;
    }
    working--;
    part.finished(done.outcome());
    onOutcome.accept(done.outcome());
    return onDemand(new Demand(done.consumer()));
  }

  private Behavior<Command> onDemand(Demand demand) {
    Item<?> next = queue.pollFirst();
    if (next != null) {
      work(demand.consumer(), next);
      part.gauges(working, queue.size());
      if (heldAck != null) {
        heldAck.tell(Ack.INSTANCE);
        heldAck = null;
      }
      return this;
    }
    if (inputDone) {
      return sendSentinel(demand.consumer());
    }
    waiting.addLast(demand.consumer());
    part.gauges(working, queue.size());
    return this;
  }

  private Behavior<Command> onInputDone() {
    inputDone = true;
    Behavior<Command> next = this;
    while (!waiting.isEmpty()) {
      next = sendSentinel(waiting.pollFirst());
    }
    return next;
  }

  private Behavior<Command> onInputFailed(InputFailed failed) {
    inputError =
        failed.error().getMessage() == null
            ? failed.error().toString()
            : failed.error().getMessage();
    getContext()
        .getLog()
        .warn("pipeline input failed; consuming what was produced: {}", inputError);
    return onInputDone();
  }

  /** The sentinel: tells one consumer there is nothing more; the last one stops the producer. */
  private Behavior<Command> sendSentinel(ActorRef<QueueConsumer.Command> consumer) {
    consumer.tell(QueueConsumer.EndOfInput.INSTANCE);
    if (++sentinelsSent < consumers) {
      return this;
    }
    supervisor.tell(
        new PipelineSupervisor.ProducerDone(
            new PipelineSummary(
                produced, Collections.unmodifiableMap(consumed), failed, maxBacklog, inputError)));
    return Behaviors.stopped();
  }
}
