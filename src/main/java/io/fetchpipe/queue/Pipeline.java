package io.fetchpipe.queue;

import io.fetchpipe.core.JobHandler;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.queue.internal.PipelineSupervisor;
import java.util.Iterator;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The seed's producer/consumer pipeline over {@code asyncio.Queue(maxsize)}, on actors: one
 * producer holds a queue of {@code capacity} items, N consumers pull from it, and the end of the
 * input reaches every consumer as a sentinel. Every actor has a bounded mailbox, but nothing relies
 * on it: consumers ask before they get, and the producer takes input only while its queue has room,
 * so no mailbox ever fills and nothing is dropped. Every item yields exactly one {@link Outcome}; a
 * consumer whose logic throws is restarted and its item becomes a failure.
 *
 * <p>The consumer logic is a {@link JobHandler}, so a pool can consume items directly, a fetcher
 * URLs under its limits and retries ({@link io.fetchpipe.core.JobPool#asHandler()}):
 *
 * <pre>{@code
 * try (Fetcher fetcher = Fetcher.create(system)) {
 *   Pipeline.create(system).run(Source.from(requests), fetcher.asHandler(), outcome -> ...);
 * }
 * }</pre>
 *
 * <p>Each run's actors live under fetchpipe's guardian and stop when the run is over.
 */
public final class Pipeline {
  private final ActorSystem<?> system;
  private final PipelineSettings settings;

  private Pipeline(ActorSystem<?> system, PipelineSettings settings) {
    this.system = system;
    this.settings = settings;
  }

  /** A pipeline shaped by {@code fetchpipe.queue} in the system's config. */
  public static Pipeline create(ActorSystem<?> system) {
    return create(system, PipelineSettings.create(system));
  }

  /** A pipeline with explicit settings. */
  public static Pipeline create(ActorSystem<?> system, PipelineSettings settings) {
    return new Pipeline(system, settings);
  }

  /** The settings in use. */
  public PipelineSettings settings() {
    return settings;
  }

  /**
   * Runs {@code input} through the consumers; completes when every item is consumed and every
   * consumer has stopped. Each outcome is passed to {@code onOutcome} (on an actor's thread: keep
   * it quick and non-blocking).
   */
  public <T, R> CompletionStage<PipelineSummary> run(
      Source<T, ?> input, JobHandler<T, R> logic, Consumer<Outcome<R>> onOutcome) {
    return PipelineSupervisor.start(
        system, settings, input, logic, outcome -> onOutcome.accept(typed(outcome)));
  }

  // The run's actors are untyped; the outcomes they pass on are those of this call's logic.
  @SuppressWarnings("unchecked")
  private static <R> Outcome<R> typed(Outcome<?> outcome) {
    return (Outcome<R>) outcome;
  }

  /** {@link #run(Source, JobHandler, Consumer)} ignoring the individual outcomes. */
  public <T, R> CompletionStage<PipelineSummary> run(Source<T, ?> input, JobHandler<T, R> logic) {
    return run(input, logic, outcome -> {});
  }

  /** Runs the items of an iterator (read lazily, as the queue has room). */
  public <T, R> CompletionStage<PipelineSummary> run(
      Supplier<Iterator<T>> items, JobHandler<T, R> logic, Consumer<Outcome<R>> onOutcome) {
    return run(Source.fromIterator(items::get), logic, onOutcome);
  }
}
