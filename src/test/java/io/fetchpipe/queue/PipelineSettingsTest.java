package io.fetchpipe.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fetchpipe.testing.SettingsContract;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's settings: every key of {@code fetchpipe.queue} settable from code and read back
 * from config.
 */
class PipelineSettingsTest {
  @Test
  void everyQueueKeyInReferenceConfIsInTheTable() {
    SettingsContract.assertTableListsReferenceKeys(PipelineSettings.keys());
  }

  @Test
  void everyQueueKeySetInCodeReadsBackFromToConfig() {
    PipelineSettings changed =
        PipelineSettings.defaults()
            .withQueueCapacity(9)
            .withConsumers(3)
            .withMailboxCapacity(32)
            .withDispatcher("fetchpipe.dispatcher");
    SettingsContract.assertRoundTrip(
        PipelineSettings.keys(),
        PipelineSettings.defaults(),
        changed,
        PipelineSettings::toConfig,
        PipelineSettings::create,
        Set.of());
  }

  @Test
  void moreConsumersGrowTheMailboxToFit() {
    assertEquals(
        12, PipelineSettings.defaults().withMailboxCapacity(8).withConsumers(10).mailboxCapacity());
  }
}
