package io.fetchpipe.metrics.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.internal.Part;
import io.fetchpipe.core.internal.PartObserver;
import io.fetchpipe.http.FetchFailure;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.metrics.MetricsSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;

/**
 * Makes the meters of each {@link Part} in one registry: gauges that read the part, counters and a
 * timer that its listener feeds, all tagged with the part's name; removed when the part goes.
 */
@InternalApi
public final class MicrometerParts implements PartObserver {
  static final String OTHER_HOST = "other";

  private final MeterRegistry registry;
  private final MetricsSettings settings;
  // Hosts with a breaker-opens tag of their own, in this registry; bounded by the settings.
  private final Set<String> breakerHosts = ConcurrentHashMap.newKeySet();

  /** Meters in {@code registry}, made as {@code settings} say. */
  public MicrometerParts(MeterRegistry registry, MetricsSettings settings) {
    this.registry = registry;
    this.settings = settings;
  }

  @Override
  public Listener attach(Part part) {
    return part.kind() == Part.Kind.CONNECTIONS ? new Connections(part) : new Work(part);
  }

  private String name(Part part, String meter) {
    return "fetchpipe." + part.kind().prefix() + "." + meter;
  }

  /** Meters made for one part, removed together. */
  private abstract class Meters implements Listener {
    final Part part;
    final Tags tags;
    final List<Meter> made = new CopyOnWriteArrayList<>();

    Meters(Part part) {
      this.part = part;
      this.tags = Tags.of("pool", part.name());
    }

    <M extends Meter> M keep(M meter) {
      made.add(meter);
      return meter;
    }

    void gauge(String meter, String description, ToDoubleFunction<Part> value) {
      keep(
          Gauge.builder(name(part, meter), part, value)
              .tags(tags)
              .description(description)
              .strongReference(true)
              .register(registry));
    }

    @Override
    public void started() {}

    @Override
    public void finished(Outcome<?> outcome) {}

    @Override
    public void breakerOpened(String host) {}

    @Override
    public void detach() {
      made.forEach(registry::remove);
      made.clear();
    }
  }

  /** A pool's, a pipeline's or a node's workers' meters. */
  private final class Work extends Meters {
    private final Counter started;
    private final Timer latency;
    private final ConcurrentMap<String, Counter> outcomes = new ConcurrentHashMap<>();

    Work(Part part) {
      super(part);
      gauge("in.flight", "jobs running now", Part::inFlight);
      if (part.kind().queues()) {
        gauge("queued", "jobs waiting to start", Part::queued);
      }
      started =
          keep(
              Counter.builder(name(part, "started"))
                  .tags(tags)
                  .description("attempts started, retries included")
                  .register(registry));
      latency =
          keep(
              Timer.builder(name(part, "latency"))
                  .tags(tags)
                  .description("from a job's first start to its outcome")
                  .publishPercentileHistogram(settings.latencyHistogram())
                  .register(registry));
    }

    @Override
    public void started() {
      started.increment();
    }

    @Override
    public void finished(Outcome<?> outcome) {
      String kind =
          outcome instanceof Outcome.Failure<?> failure ? failure.kind().wireName() : "ok";
      String status = statusClass(outcome);
      outcomes
          .computeIfAbsent(
              kind + " " + status,
              key ->
                  keep(
                      Counter.builder(name(part, "outcomes"))
                          .tags(tags.and("kind", kind, "status", status))
                          .description("outcomes by kind and status class")
                          .register(registry)))
          .increment();
      if (!outcome.startedAt().equals(outcome.finishedAt())) {
        latency.record(outcome.elapsed());
      }
    }
  }

  /**
   * The status class of a response, {@code 2xx} to {@code 5xx}, or {@code none} when no response
   * arrived.
   */
  static String statusClass(Outcome<?> outcome) {
    Object response =
        outcome instanceof Outcome.Success<?> success
            ? success.value()
            : ((Outcome.Failure<?>) outcome).cause() instanceof FetchFailure failure
                ? failure.response()
                : null;
    if (response instanceof FetchResponse fetched
        && fetched.status() >= 100
        && fetched.status() < 600) {
      return fetched.status() / 100 + "xx";
    }
    return "none";
  }

  /** A fetcher's connections and breakers. */
  private final class Connections extends Meters {
    private final ConcurrentMap<String, Counter> opens = new ConcurrentHashMap<>();

    Connections(Part part) {
      super(part);
      gauge(
          "connections.open",
          "open connections to hosts (in use, idle or being set up)",
          Part::openConnections);
    }

    @Override
    public void breakerOpened(String host) {
      String tag =
          breakerHosts.contains(host)
                  || (breakerHosts.size() < settings.breakerHosts() && breakerHosts.add(host))
              ? host
              : OTHER_HOST;
      opens
          .computeIfAbsent(
              tag,
              key ->
                  keep(
                      Counter.builder(name(part, "breaker.opens"))
                          .tags(tags.and("host", key))
                          .description("circuit breaker openings per host")
                          .register(registry)))
          .increment();
    }
  }
}
