package io.fetchpipe.cli;

import io.fetchpipe.testing.SettingsContract;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The batch path's settings: every key of {@code fetchpipe.cli} settable from code and read back
 * from config.
 */
class CliSettingsTest {
  @Test
  void everyCliKeyInReferenceConfIsInTheTable() {
    SettingsContract.assertTableListsReferenceKeys(CliSettings.keys());
  }

  @Test
  void everyCliKeySetInCodeReadsBackFromToConfig() {
    CliSettings changed =
        CliSettings.defaults()
            .withReorderWindow(64)
            .withFlushLines(8)
            .withFlushInterval(Duration.ofMillis(20))
            .withShutdownGrace(Duration.ofSeconds(1))
            .withStatsHosts(10);
    SettingsContract.assertRoundTrip(
        CliSettings.keys(),
        CliSettings.defaults(),
        changed,
        CliSettings::toConfig,
        CliSettings::create,
        Set.of());
  }
}
