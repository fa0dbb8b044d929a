package io.fetchpipe.queue.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.JobHandler;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.internal.DispatcherChoice;
import io.fetchpipe.core.internal.FetchpipeExtension;
import io.fetchpipe.core.internal.Part;
import io.fetchpipe.core.internal.Parts;
import io.fetchpipe.core.internal.UniqueNames;
import io.fetchpipe.queue.PipelineSettings;
import io.fetchpipe.queue.PipelineSummary;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSink;

/**
 * Runs one pipeline: spawns the producer and the consumers (each with the bounded mailbox of the
 * settings; consumers restart when their logic throws), gives the producer each consumer's first
 * demand, feeds the input into the producer with acknowledgements, and completes the summary (the
 * producer's tally) once the producer and every consumer are done.
 */
@InternalApi
public final class PipelineSupervisor extends AbstractBehavior<PipelineSupervisor.Command> {

  /** Messages the supervisor understands. */
  public interface Command {}

  /** A consumer got its sentinel and stopped. */
  record ConsumerDone(String consumer) implements Command {}

  /** The producer sent every sentinel and stopped; this is how the run went. */
  record ProducerDone(PipelineSummary summary) implements Command {}

  private final CompletableFuture<PipelineSummary> result;
  private int consumersRunning;
  private ProducerDone producerDone;

  private PipelineSupervisor(
      ActorContext<Command> context, int consumers, CompletableFuture<PipelineSummary> result) {
    super(context);
    this.consumersRunning = consumers;
    this.result = result;
  }

  /**
   * Starts one run under fetchpipe's guardian; the stage completes with its summary when every item
   * is consumed and every actor of the run has stopped.
   */
  public static CompletionStage<PipelineSummary> start(
      ActorSystem<?> system,
      PipelineSettings settings,
      Source<?, ?> input,
      JobHandler<?, ?> logic,
      Consumer<Outcome<?>> onOutcome) {
    CompletableFuture<PipelineSummary> result = new CompletableFuture<>();
    String name = UniqueNames.next("pipeline");
    Part part = Parts.get(system).register(Part.Kind.PIPELINE, name);
    FetchpipeExtension.get(system)
        .spawn(
            create(settings, input, logic, onOutcome, result, part),
            name,
            DispatcherChoice.props(settings.dispatcher()))
        .whenComplete(
            (started, error) -> {
              if (error != null) {
                result.completeExceptionally(error);
              }
            });
    // The run's metrics go with it, before its caller hears it is over.
    return result.whenComplete((summary, error) -> part.close());
  }

  /** The producer's and consumers' props: the bounded mailbox on the pipeline's dispatcher. */
  static Props actorProps(PipelineSettings settings) {
    return DispatcherChoice.on(settings.mailbox(), settings.dispatcher());
  }

  private static Behavior<Command> create(
      PipelineSettings settings,
      Source<?, ?> input,
      JobHandler<?, ?> logic,
      Consumer<Outcome<?>> onOutcome,
      CompletableFuture<PipelineSummary> result,
      Part part) {
    return Behaviors.setup(
        context -> {
          List<String> names =
              IntStream.rangeClosed(1, settings.consumers())
                  .mapToObj(i -> "consumer-" + i)
                  .toList();
          ActorRef<QueueProducer.Command> producer =
              context.spawn(
                  QueueProducer.create(settings, context.getSelf(), names, onOutcome, part),
                  "producer",
                  actorProps(settings));
          for (String name : names) {
            Behavior<QueueConsumer.Command> consumer =
                Behaviors.supervise(QueueConsumer.create(name, producer, context.getSelf(), logic))
                    .onFailure(
                        Exception.class, SupervisorStrategy.restart().withLoggingEnabled(false));
            producer.tell(
                new QueueProducer.Demand(context.spawn(consumer, name, actorProps(settings))));
          }
          feed(input, producer, settings, Materializer.createMaterializer(context));
          return new PipelineSupervisor(context, settings.consumers(), result);
        });
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void feed(
      Source<?, ?> input,
      ActorRef<QueueProducer.Command> producer,
      PipelineSettings settings,
      Materializer materializer) {
    // The input stream runs beside the actors it feeds: on one dispatcher, handing an element
    // over costs no thread wake-up.
    Attributes placement = DispatcherChoice.attributes(settings.dispatcher());
    ((Source) input)
        .zipWithIndex()
        .map(
            pair ->
                new Item<>(Math.toIntExact((Long) ((Pair) pair).second()), ((Pair) pair).first()))
        .to(
            ActorSink.<Item<?>, QueueProducer.Command, QueueProducer.Ack>actorRefWithBackpressure(
                    producer,
                    QueueProducer.Offer::new,
                    QueueProducer.InputStarted::new,
                    QueueProducer.Ack.INSTANCE,
                    QueueProducer.InputDone.INSTANCE,
                    QueueProducer.InputFailed::new)
                // The sink would otherwise read 16 elements ahead: the queue is the buffer, not the
                // stream.
                .withAttributes(Attributes.inputBuffer(1, 1)))
        .withAttributes(placement)
        .run(materializer);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(ConsumerDone.class, this::onConsumerDone)
        .onMessage(ProducerDone.class, this::onProducerDone)
        .build();
  }

  private Behavior<Command> onConsumerDone(ConsumerDone done) {
    consumersRunning--;
    return finishIfDone();
  }

  private Behavior<Command> onProducerDone(ProducerDone done) {
    producerDone = done;
    return finishIfDone();
  }

  private Behavior<Command> finishIfDone() {
    if (consumersRunning > 0 || producerDone == null) {
      return this;
    }
    result.complete(producerDone.summary());
    return Behaviors.stopped();
  }
}
