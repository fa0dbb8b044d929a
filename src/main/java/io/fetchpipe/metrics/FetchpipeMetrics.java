package io.fetchpipe.metrics;

import io.fetchpipe.core.internal.Parts;
import io.fetchpipe.metrics.internal.MicrometerParts;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * fetchpipe's meters in a Micrometer registry, as a {@link MeterBinder}: every pool ({@code
 * TaskPool}, {@code JobPool}, {@code Fetcher}, {@code ClusterPool}), pipeline run and fetcher of
 * one actor system, those alive when it is bound and those made later, until {@link #close()}. Each
 * meter has a {@code pool} tag, the pool's {@code name()} (a pipeline run's is {@code pipeline-N}).
 *
 * <pre>{@code
 * try (FetchpipeMetrics metrics = FetchpipeMetrics.of(system)) {
 *   metrics.bindTo(registry);
 *   ...
 * }
 * }</pre>
 *
 * <table>
 *   <caption>Meters (Prometheus names in brackets)</caption>
 *   <tr><th>meter</th><th>type</th><th>what</th></tr>
 *   <tr><td>{@code fetchpipe.pool.in.flight}</td><td>gauge</td><td>jobs running now</td></tr>
 *   <tr><td>{@code fetchpipe.pool.queued}</td><td>gauge</td><td>jobs waiting in the router (queued or for a
 *       retry)</td></tr>
 *   <tr><td>{@code fetchpipe.pool.started}</td><td>counter</td><td>attempts started, retries included</td></tr>
 *   <tr><td>{@code fetchpipe.pool.outcomes}</td><td>counter</td><td>final outcomes, tags {@code kind} ({@code ok} or
 *       the error kind) and {@code status} ({@code 2xx}..{@code 5xx}, or {@code none})</td></tr>
 *   <tr><td>{@code fetchpipe.pool.latency}</td><td>timer</td><td>from a job's first start to its outcome, with a
 *       percentile histogram</td></tr>
 *   <tr><td>{@code fetchpipe.pipeline.*}</td><td></td><td>the same for a pipeline run (in flight: items at consumers;
 *       queued: the producer's backlog)</td></tr>
 *   <tr><td>{@code fetchpipe.workers.*}</td><td></td><td>in flight, started, outcomes and latency of the attempts
 *       this node's workers run for a cluster pool (on every node that fetches)</td></tr>
 *   <tr><td>{@code fetchpipe.http.connections.open}</td><td>gauge</td><td>a fetcher's open connections to hosts (the
 *       open host connection pools: Pekko HTTP does not show the connections of each)</td></tr>
 *   <tr><td>{@code fetchpipe.http.breaker.opens}</td><td>counter</td><td>circuit breaker openings, tag {@code host}
 *       (at most {@link MetricsSettings#breakerHosts()} hosts by name, the rest {@code other})</td></tr>
 * </table>
 *
 * <p>Micrometer is an optional dependency of fetchpipe: only this class and its internals refer to
 * it, so an application that never binds a registry needs none, and its pools pay nothing for
 * metrics.
 */
public final class FetchpipeMetrics implements MeterBinder, AutoCloseable {
  private final ActorSystem<?> system;
  private final MetricsSettings settings;
  private final List<Runnable> bindings = new ArrayList<>();

  private FetchpipeMetrics(ActorSystem<?> system, MetricsSettings settings) {
    this.system = system;
    this.settings = settings;
  }

  /**
   * The meters of {@code system}'s pools, with the settings of its config ({@code
   * fetchpipe.metrics}).
   */
  public static FetchpipeMetrics of(ActorSystem<?> system) {
    return of(system, MetricsSettings.create(system));
  }

  /** The meters of {@code system}'s pools, with explicit settings. */
  public static FetchpipeMetrics of(ActorSystem<?> system, MetricsSettings settings) {
    return new FetchpipeMetrics(system, settings);
  }

  /**
   * Registers the meters of every pool, fetcher and pipeline in {@code registry}, now and as they
   * come.
   */
  @Override
  public synchronized void bindTo(MeterRegistry registry) {
    bindings.add(Parts.get(system).observe(new MicrometerParts(registry, settings)));
  }

  /** Stops: the meters are removed from every registry bound, and no new ones are made. */
  @Override
  public synchronized void close() {
    bindings.forEach(Runnable::run);
    bindings.clear();
  }
}
