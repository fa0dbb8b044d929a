package io.fetchpipe.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The connection and name settings: defaults, copies, the trip through config, and the keys they replaced. */
class FetchSettingsTest {
  private static Config withReference(String overrides) {
    return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.defaultReference()).resolve();
  }

  @Test
  void connectionAndNameSettingsTravelThroughConfigUnchanged() {
    FetchSettings settings = FetchSettings.create(withReference(""))
        .withMaxIdleConnections(7)
        .withConnectionIdleTimeout(Duration.ofSeconds(3))
        .withCloseGrace(Duration.ofMillis(250))
        .withNameCache(Duration.ofSeconds(40), Duration.ofSeconds(2))
        .withLookupThreads(5);
    FetchSettings back = FetchSettings.create(settings.toConfig().withFallback(ConfigFactory.defaultReference()));
    assertEquals(7, back.maxIdleConnections());
    assertEquals(Duration.ofSeconds(3), back.connectionIdleTimeout());
    assertEquals(Duration.ofMillis(250), back.closeGrace());
    assertEquals(Duration.ofSeconds(40), back.nameTtl());
    assertEquals(Duration.ofSeconds(2), back.nameFailureTtl());
    assertEquals(5, back.lookupThreads());
  }

  @SuppressWarnings("deprecation")
  @Test
  void theConnectionPoolKeysAnApplicationStillSetsAreRead() {
    FetchSettings settings = FetchSettings.create(withReference(
        "fetchpipe.http.connection-pools { max-idle = 12, idle-timeout = 4s, close-grace = 1s }"));
    assertEquals(12, settings.maxIdleConnections());
    assertEquals(Duration.ofSeconds(4), settings.connectionIdleTimeout());
    assertEquals(Duration.ofSeconds(1), settings.closeGrace());
    assertEquals(12, settings.maxIdlePools());
  }

  @Test
  void badValuesAreRefusedNamingTheKey() {
    IllegalArgumentException idle = assertThrows(IllegalArgumentException.class,
        () -> FetchSettings.create(withReference("fetchpipe.http.connections.max-idle = -1")));
    assertEquals("connections.max-idle must not be negative, got -1", idle.getMessage());
    IllegalArgumentException threads = assertThrows(IllegalArgumentException.class,
        () -> FetchSettings.create(withReference("fetchpipe.http.names.lookup-threads = 0")));
    assertEquals("names.lookup-threads must be at least 1, got 0", threads.getMessage());
  }
}
