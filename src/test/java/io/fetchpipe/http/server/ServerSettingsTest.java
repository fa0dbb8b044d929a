package io.fetchpipe.http.server;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fetchpipe.testing.SettingsContract;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The embedded server's limits: every key of {@code fetchpipe.server} settable from code and read
 * back from config.
 */
class ServerSettingsTest {
  @Test
  void everyServerKeyInReferenceConfIsInTheTable() {
    SettingsContract.assertTableListsReferenceKeys(ServerSettings.keys());
  }

  @Test
  void everyServerKeySetInCodeReadsBackFromToConfig() {
    ServerSettings changed =
        ServerSettings.defaults()
            .withMaxDelay(Duration.ofSeconds(5))
            .withMaxBytes(1024)
            .withMaxRequestBody(2048)
            .withTimerTick(Duration.ofMillis(10));
    SettingsContract.assertRoundTrip(
        ServerSettings.keys(),
        ServerSettings.defaults(),
        changed,
        ServerSettings::toConfig,
        ServerSettings::create,
        Set.of());
  }

  @Test
  void limitsThatCannotHoldAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> ServerSettings.defaults().withMaxBytes(-1));
    assertThrows(
        IllegalArgumentException.class,
        () -> ServerSettings.defaults().withTimerTick(Duration.ZERO));
  }
}
