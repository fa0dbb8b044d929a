package io.fetchpipe.metrics;

import com.typesafe.config.Config;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * How fetchpipe's meters are made: defaults from {@code fetchpipe.metrics} in {@code
 * reference.conf}; override them in {@code application.conf} or with the {@code withX} copies.
 */
public final class MetricsSettings {
  private static final String PATH = "fetchpipe.metrics";

  private final int breakerHosts;
  private final boolean latencyHistogram;

  private MetricsSettings(int breakerHosts, boolean latencyHistogram) {
    if (breakerHosts < 0) {
      throw new IllegalArgumentException("breaker-hosts must not be negative, got " + breakerHosts);
    }
    this.breakerHosts = breakerHosts;
    this.latencyHistogram = latencyHistogram;
  }

  /** Reads the settings from the {@code fetchpipe.metrics} section of the system's config. */
  public static MetricsSettings create(ActorSystem<?> system) {
    return create(system.settings().config());
  }

  /** Reads the settings from the {@code fetchpipe.metrics} section of a full config. */
  public static MetricsSettings create(Config root) {
    Config c = root.getConfig(PATH);
    return new MetricsSettings(c.getInt("breaker-hosts"), c.getBoolean("latency-histogram"));
  }

  /**
   * Most hosts that get a {@code host} tag of their own on the breaker-opens counter, per
   * registry; the breakers of later hosts count under {@code host="other"}, so a crawl over many
   * hosts cannot make the registry grow without bound. 0 puts every host under {@code other}.
   */
  public int breakerHosts() {
    return breakerHosts;
  }

  /** A copy with another cap on breaker hosts. */
  public MetricsSettings withBreakerHosts(int value) {
    return new MetricsSettings(value, latencyHistogram);
  }

  /** Whether the latency timers publish a percentile histogram (buckets a monitoring system can aggregate). */
  public boolean latencyHistogram() {
    return latencyHistogram;
  }

  /** A copy with or without the latency histogram. */
  public MetricsSettings withLatencyHistogram(boolean value) {
    return new MetricsSettings(breakerHosts, value);
  }

  @Override
  public String toString() {
    return "MetricsSettings(breakerHosts=" + breakerHosts + ", latencyHistogram=" + latencyHistogram + ")";
  }
}
