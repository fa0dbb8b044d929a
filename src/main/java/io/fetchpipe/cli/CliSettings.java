package io.fetchpipe.cli;

import com.typesafe.config.Config;
import io.fetchpipe.core.internal.SettingKey;
import io.fetchpipe.core.internal.SettingsTable;
import java.time.Duration;

/**
 * Settings of the command line's batch path, from {@code fetchpipe.cli}.
 *
 * @param reorderWindow results that may wait for a slow earlier one in input order
 * @param flushLines most lines per write
 * @param flushInterval longest a finished result waits before it is written
 * @param shutdownGrace how long requests in flight may finish after SIGINT/SIGTERM
 * @param statsHosts most hosts whose lines {@code --stats} and {@code --report} count at a time
 */
record CliSettings(
    int reorderWindow,
    int flushLines,
    Duration flushInterval,
    Duration shutdownGrace,
    int statsHosts) {
  private static final SettingKey<CliSettings, Integer> REORDER_WINDOW =
      SettingKey.ofInt("reorder-window", CliSettings::reorderWindow);
  private static final SettingKey<CliSettings, Integer> FLUSH_LINES =
      SettingKey.ofInt("flush-lines", CliSettings::flushLines);
  private static final SettingKey<CliSettings, Duration> FLUSH_INTERVAL =
      SettingKey.ofDuration("flush-interval", CliSettings::flushInterval);
  private static final SettingKey<CliSettings, Duration> SHUTDOWN_GRACE =
      SettingKey.ofDuration("shutdown-grace", CliSettings::shutdownGrace);
  private static final SettingKey<CliSettings, Integer> STATS_HOSTS =
      SettingKey.ofInt("stats-hosts", CliSettings::statsHosts);
  private static final SettingsTable<CliSettings> KEYS =
      SettingsTable.of(
          "fetchpipe.cli",
          v ->
              new CliSettings(
                  v.get(REORDER_WINDOW),
                  v.get(FLUSH_LINES),
                  v.get(FLUSH_INTERVAL),
                  v.get(SHUTDOWN_GRACE),
                  v.get(STATS_HOSTS)),
          REORDER_WINDOW,
          FLUSH_LINES,
          FLUSH_INTERVAL,
          SHUTDOWN_GRACE,
          STATS_HOSTS);

  /** Reads {@code fetchpipe.cli} from a full config. */
  static CliSettings create(Config root) {
    return KEYS.read(root);
  }

  /** The defaults: {@code fetchpipe.cli} as {@code reference.conf} has it. */
  static CliSettings defaults() {
    return KEYS.defaults();
  }

  /**
   * These settings as the {@code fetchpipe.cli} section of a config, which {@link #create} reads
   * back.
   */
  Config toConfig() {
    return KEYS.write(this);
  }

  /** The table of keys behind reading, writing and copying. */
  static SettingsTable<CliSettings> keys() {
    return KEYS;
  }

  /** A copy with another reorder window. */
  CliSettings withReorderWindow(int value) {
    return KEYS.with(this, REORDER_WINDOW, value);
  }

  /** A copy with another most lines per write. */
  CliSettings withFlushLines(int value) {
    return KEYS.with(this, FLUSH_LINES, value);
  }

  /** A copy with another longest wait before a result is written. */
  CliSettings withFlushInterval(Duration value) {
    return KEYS.with(this, FLUSH_INTERVAL, value);
  }

  /** A copy with another grace after SIGINT/SIGTERM. */
  CliSettings withShutdownGrace(Duration value) {
    return KEYS.with(this, SHUTDOWN_GRACE, value);
  }

  /** A copy counting another most hosts one by one. */
  CliSettings withStatsHosts(int value) {
    return KEYS.with(this, STATS_HOSTS, value);
  }
}
