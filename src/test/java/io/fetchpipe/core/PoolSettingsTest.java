package io.fetchpipe.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fetchpipe.testing.SettingsContract;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/**
 * The pool's settings, their nested retry and adaptive sections and the rate syntax: every key
 * settable from code, written by {@code toConfig()} and read back to equal settings; the former
 * {@code rate} block read to the same limit, with a deprecation warning.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoolSettingsTest {
  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @Test
  void everyPoolKeyInReferenceConfIsInTheTable() {
    SettingsContract.assertTableListsReferenceKeys(PoolSettings.keys());
    SettingsContract.assertTableListsReferenceKeys(RetrySettings.keys());
    SettingsContract.assertTableListsReferenceKeys(AdaptiveSettings.keys());
  }

  @Test
  void everyPoolKeySetInCodeReadsBackFromToConfig() {
    PoolSettings changed =
        PoolSettings.defaults()
            .withMaxConcurrency(7)
            .withMaxPerKey(2)
            .withMaxRatePerKey(RateLimit.parse("90/min"))
            .withRetry(
                RetrySettings.defaults()
                    .withMaxRetries(3)
                    .withBackoff(Duration.ofMillis(150))
                    .withMaxBackoff(Duration.ofSeconds(12))
                    .withMaxRetryAfter(Duration.ofSeconds(45)))
            .withAdaptive(
                AdaptiveSettings.defaults()
                    .withEnabled(true)
                    .withSuccessRun(4)
                    .withThrottledRetries(3)
                    .withMaxKeys(500))
            .withRate(RateLimit.parse("3/2s"))
            .withRateBurst(4)
            .withRateTick(Duration.ofMillis(5))
            .withQueueCapacity(300)
            .withSubmitBatch(100)
            .withTaskTimeout(Duration.ofNanos(1_500_000_001))
            .withDispatcher("fetchpipe.dispatcher")
            .withCloseTimeout(Duration.ofSeconds(3));
    SettingsContract.assertRoundTrip(
        PoolSettings.keys(),
        PoolSettings.defaults(),
        changed,
        PoolSettings::toConfig,
        PoolSettings::create,
        Set.of());
    assertEquals(RateLimit.of(3, Duration.ofSeconds(2)).withBurst(4), changed.rate());
  }

  @Test
  void settingsChangedInCodeTravelAsConfig() {
    ActorSystem<?> system = testKit.system();
    // docs/settings.md: settings in code begins
    PoolSettings pool = PoolSettings.create(system)                  // fetchpipe.pool as configured
        .withRate(RateLimit.parse("20/s"))                           // rate = "20/s"
        .withRateBurst(5)                                            // rate-burst = 5
        .withRetry(PoolSettings.create(system).retry().withMaxRetries(3).withMaxBackoff(Duration.ofSeconds(5)));
    Config written = pool.toConfig();                                // fetchpipe.pool { rate = "20/s", ... }
    PoolSettings read = PoolSettings.create(written);                // equal to pool
    // docs/settings.md: settings in code ends
    assertEquals(pool, read);
    assertEquals("20/s", written.getString("fetchpipe.pool.rate"));
    assertEquals(5, written.getInt("fetchpipe.pool.rate-burst"));
    assertEquals(Duration.ofSeconds(5), written.getDuration("fetchpipe.pool.retry.max-backoff"));
  }

  @Test
  void retryAndAdaptiveSectionsReadBackOnTheirOwn() {
    RetrySettings retry =
        RetrySettings.defaults()
            .withMaxRetries(2)
            .withBackoff(Duration.ofMillis(10))
            .withMaxBackoff(Duration.ofSeconds(1))
            .withMaxRetryAfter(Duration.ofSeconds(2));
    SettingsContract.assertRoundTrip(
        RetrySettings.keys(),
        RetrySettings.defaults(),
        retry,
        RetrySettings::toConfig,
        RetrySettings::create,
        Set.of());
    AdaptiveSettings adaptive =
        AdaptiveSettings.defaults()
            .withEnabled(true)
            .withSuccessRun(2)
            .withThrottledRetries(1)
            .withMaxKeys(10);
    SettingsContract.assertRoundTrip(
        AdaptiveSettings.keys(),
        AdaptiveSettings.defaults(),
        adaptive,
        AdaptiveSettings::toConfig,
        AdaptiveSettings::create,
        Set.of());
  }

  @Test
  void aTaskTimeoutSwitchedOffReadsBackSwitchedOff() {
    PoolSettings withTimeout = PoolSettings.defaults().withTaskTimeout(Duration.ofSeconds(1));
    PoolSettings without = withTimeout.withoutTaskTimeout();
    assertEquals(PoolSettings.defaults(), PoolSettings.create(without.toConfig()));
  }

  @Test
  void theFormerRateBlockIsReadToTheSameLimitAndWarnsOnce() {
    Config legacy =
        ConfigFactory.parseString(
                "fetchpipe.pool.rate { starts = 20, per = 1s, burst = 5, tick = 2ms }")
            .withFallback(ConfigFactory.defaultReference());
    Config current =
        ConfigFactory.parseString(
                "fetchpipe.pool { rate = \"20/s\", rate-burst = 5, rate-tick = 2ms }")
            .withFallback(ConfigFactory.defaultReference());
    List<ILoggingEvent> warnings =
        warningsWhile(
            () -> {
              assertEquals(PoolSettings.create(current), PoolSettings.create(legacy));
              PoolSettings read = PoolSettings.create(legacy);
              assertEquals(new RateLimit(20, Duration.ofSeconds(1), 5), read.rate());
              assertEquals(Duration.ofMillis(2), read.rateTick());
            });
    assertEquals(1, warnings.size(), "one warning for two reads: " + warnings);
    assertTrue(
        warnings
            .get(0)
            .getFormattedMessage()
            .startsWith("fetchpipe.pool.rate { starts, per, burst, tick } is deprecated"),
        warnings.get(0).toString());
    assertEquals(
        List.of(),
        warningsWhile(() -> PoolSettings.create(current)),
        "the current syntax does not warn");
  }

  /**
   * The warnings the pool's settings log while {@code reading} runs, the once-only warning armed
   * again.
   */
  private static List<ILoggingEvent> warningsWhile(Runnable reading) {
    Logger logger = (Logger) LoggerFactory.getLogger(PoolSettings.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    Level level = logger.getLevel();
    // Set here, whatever an earlier test in this JVM did to the root logger (the command line's
    // tests turn it off).
    logger.setLevel(Level.WARN);
    logger.addAppender(appender);
    RateConfig.forgetWarning();
    try {
      reading.run();
    } finally {
      logger.detachAppender(appender);
      logger.setLevel(level);
    }
    return appender.list.stream()
        .filter(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
        .toList();
  }

  @Test
  void theFormerRateBlockLeavesOutWhatItDoesNotSay() {
    RateConfig.forgetWarning();
    PoolSettings read =
        PoolSettings.create(
            ConfigFactory.parseString("fetchpipe.pool.rate { starts = 3, per = 2s }")
                .withFallback(ConfigFactory.defaultReference()));
    assertEquals(RateLimit.parse("3/2s"), read.rate());
    assertEquals(PoolSettings.defaults().rateTick(), read.rateTick());
    PoolSettings off =
        PoolSettings.create(
            ConfigFactory.parseString("fetchpipe.pool.rate { starts = 0 }")
                .withFallback(ConfigFactory.defaultReference()));
    assertEquals(RateLimit.unlimited(), off.rate());
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      20/s      | 20 | PT1S
      100/min   | 100 | PT1M
      5/h       | 5  | PT1H
      3/2s      | 3  | PT2S
      1/250ms   | 1  | PT0.25S
      7 / 90s   | 7  | PT1M30S
      """)
  void ratesAreWrittenAsParseReadsThem(String text, int starts, Duration per) {
    RateLimit rate = RateLimit.parse(text);
    assertEquals(RateLimit.of(starts, per), rate);
    assertEquals(rate, RateLimit.parse(rate.toText()));
  }

  @Test
  void aBadRateInConfigNamesItsKey() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                PoolSettings.create(
                    ConfigFactory.parseString("fetchpipe.pool.rate = fast")
                        .withFallback(ConfigFactory.defaultReference())));
    assertTrue(error.getMessage().startsWith("rate: invalid rate 'fast'"), error.getMessage());
  }
}
