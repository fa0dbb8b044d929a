package io.fetchpipe.http.server;

import com.typesafe.config.Config;
import io.fetchpipe.core.ConfigDurations;
import io.fetchpipe.core.internal.SettingKey;
import io.fetchpipe.core.internal.SettingsTable;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Limits of the embedded test server, from {@code fetchpipe.server}; the {@code withX} methods
 * return changed copies.
 *
 * @param maxDelay longest {@code /delay/{seconds}} accepted
 * @param maxBytes largest {@code /bytes/{n}} and {@code /gzip-bytes/{n}} accepted
 * @param maxRequestBody largest request body {@code /anything} reads and echoes
 * @param timerTick scheduler tick of the actor system {@code fetchpipe serve} creates: delays end
 *     on a tick, so it bounds how late a {@code /delay} answer can be
 */
public record ServerSettings(
    Duration maxDelay, long maxBytes, long maxRequestBody, Duration timerTick) {
  private static final SettingKey<ServerSettings, Duration> MAX_DELAY =
      SettingKey.ofDuration("max-delay", ServerSettings::maxDelay);
  private static final SettingKey<ServerSettings, Long> MAX_BYTES =
      SettingKey.ofBytes("max-bytes", ServerSettings::maxBytes);
  private static final SettingKey<ServerSettings, Long> MAX_REQUEST_BODY =
      SettingKey.ofBytes("max-request-body", ServerSettings::maxRequestBody);
  private static final SettingKey<ServerSettings, Duration> TIMER_TICK =
      SettingKey.ofDuration("timer-tick", ServerSettings::timerTick);
  private static final SettingsTable<ServerSettings> KEYS =
      SettingsTable.of(
          "fetchpipe.server",
          v ->
              new ServerSettings(
                  v.get(MAX_DELAY), v.get(MAX_BYTES), v.get(MAX_REQUEST_BODY), v.get(TIMER_TICK)),
          MAX_DELAY,
          MAX_BYTES,
          MAX_REQUEST_BODY,
          TIMER_TICK);

  /** Validates the values. */
  public ServerSettings {
    ConfigDurations.positive(maxDelay, "max-delay");
    if (maxBytes < 0) {
      throw new IllegalArgumentException("max-bytes must not be negative, got " + maxBytes);
    }
    if (maxRequestBody < 0) {
      throw new IllegalArgumentException(
          "max-request-body must not be negative, got " + maxRequestBody);
    }
    ConfigDurations.positive(timerTick, "timer-tick");
  }

  /** Reads {@code fetchpipe.server} from the system's config. */
  public static ServerSettings create(ActorSystem<?> system) {
    return create(system.settings().config());
  }

  /** Reads {@code fetchpipe.server} from a full config. */
  public static ServerSettings create(Config root) {
    return KEYS.read(root);
  }

  /** The library's defaults: {@code fetchpipe.server} as {@code reference.conf} has it. */
  public static ServerSettings defaults() {
    return KEYS.defaults();
  }

  /**
   * These settings as the {@code fetchpipe.server} section of a config, which {@link
   * #create(Config)} reads back to equal settings.
   */
  public Config toConfig() {
    return KEYS.write(this);
  }

  /** The table of keys behind reading, writing and copying. */
  static SettingsTable<ServerSettings> keys() {
    return KEYS;
  }

  /** A copy accepting {@code /delay/{seconds}} up to another length. */
  public ServerSettings withMaxDelay(Duration value) {
    return KEYS.with(this, MAX_DELAY, value);
  }

  /**
   * A copy accepting {@code /bytes/{n}} and {@code /gzip-bytes/{n}} up to another size, in bytes.
   */
  public ServerSettings withMaxBytes(long value) {
    return KEYS.with(this, MAX_BYTES, value);
  }

  /**
   * A copy reading and echoing request bodies of {@code /anything} up to another size, in bytes.
   */
  public ServerSettings withMaxRequestBody(long value) {
    return KEYS.with(this, MAX_REQUEST_BODY, value);
  }

  /** A copy with another scheduler tick for the actor system {@code fetchpipe serve} creates. */
  public ServerSettings withTimerTick(Duration value) {
    return KEYS.with(this, TIMER_TICK, value);
  }
}
