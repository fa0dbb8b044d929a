package io.fetchpipe.metrics;

import com.typesafe.config.Config;
import io.fetchpipe.core.internal.SettingKey;
import io.fetchpipe.core.internal.SettingsTable;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * How fetchpipe's meters are made: defaults from {@code fetchpipe.metrics} in {@code
 * reference.conf}; override them in {@code application.conf} or with the {@code withX} copies.
 */
public final class MetricsSettings {
  private static final SettingKey<MetricsSettings, Integer> BREAKER_HOSTS =
      SettingKey.ofInt("breaker-hosts", MetricsSettings::breakerHosts);
  private static final SettingKey<MetricsSettings, Boolean> LATENCY_HISTOGRAM =
      SettingKey.ofBoolean("latency-histogram", MetricsSettings::latencyHistogram);
  private static final SettingsTable<MetricsSettings> KEYS =
      SettingsTable.of(
          "fetchpipe.metrics",
          v -> new MetricsSettings(v.get(BREAKER_HOSTS), v.get(LATENCY_HISTOGRAM)),
          BREAKER_HOSTS,
          LATENCY_HISTOGRAM);

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
    return KEYS.read(root);
  }

  /** The library's defaults: {@code fetchpipe.metrics} as {@code reference.conf} has it. */
  public static MetricsSettings defaults() {
    return KEYS.defaults();
  }

  /**
   * These settings as the {@code fetchpipe.metrics} section of a config, which {@link
   * #create(Config)} reads back to equal settings.
   */
  public Config toConfig() {
    return KEYS.write(this);
  }

  /** The table of keys behind reading, writing and copying. */
  static SettingsTable<MetricsSettings> keys() {
    return KEYS;
  }

  /**
   * Most hosts that get a {@code host} tag of their own on the breaker-opens counter, per registry;
   * the breakers of later hosts count under {@code host="other"}, so a crawl over many hosts cannot
   * make the registry grow without bound. 0 puts every host under {@code other}.
   */
  public int breakerHosts() {
    return breakerHosts;
  }

  /** A copy with another cap on breaker hosts. */
  public MetricsSettings withBreakerHosts(int value) {
    return KEYS.with(this, BREAKER_HOSTS, value);
  }

  /**
   * Whether the latency timers publish a percentile histogram (buckets a monitoring system can
   * aggregate).
   */
  public boolean latencyHistogram() {
    return latencyHistogram;
  }

  /** A copy with or without the latency histogram. */
  public MetricsSettings withLatencyHistogram(boolean value) {
    return KEYS.with(this, LATENCY_HISTOGRAM, value);
  }

  @Override
  public boolean equals(Object other) {
    return KEYS.equal(this, other);
  }

  @Override
  public int hashCode() {
    return KEYS.hash(this);
  }

  @Override
  public String toString() {
    return KEYS.describe(this);
  }
}
