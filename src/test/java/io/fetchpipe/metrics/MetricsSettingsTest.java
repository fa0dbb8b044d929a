package io.fetchpipe.metrics;

import io.fetchpipe.testing.SettingsContract;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The meters' settings: every key of {@code fetchpipe.metrics} settable from code and read back
 * from config.
 */
class MetricsSettingsTest {
  @Test
  void everyMetricsKeyInReferenceConfIsInTheTable() {
    SettingsContract.assertTableListsReferenceKeys(MetricsSettings.keys());
  }

  @Test
  void everyMetricsKeySetInCodeReadsBackFromToConfig() {
    MetricsSettings changed =
        MetricsSettings.defaults().withBreakerHosts(3).withLatencyHistogram(false);
    SettingsContract.assertRoundTrip(
        MetricsSettings.keys(),
        MetricsSettings.defaults(),
        changed,
        MetricsSettings::toConfig,
        MetricsSettings::create,
        Set.of());
  }
}
