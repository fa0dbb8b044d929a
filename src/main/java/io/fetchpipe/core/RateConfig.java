package io.fetchpipe.core;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes the pool's rates in config: {@code "N/UNIT"} ({@link RateLimit#parse}) or {@code
 * off}, the bucket's size in {@code rate-burst} and its refill timer in {@code rate-tick}. The
 * former block {@code rate { starts, per, burst, tick }} is still read, to the same limit, with one
 * warning per process that it is deprecated.
 */
final class RateConfig {
  private static final Logger log = LoggerFactory.getLogger(PoolSettings.class);
  private static final AtomicBoolean warned = new AtomicBoolean();

  private RateConfig() {}

  /**
   * A rate key: {@code off} or {@code N/UNIT}; for {@code rate}, the former block too (burst 1
   * here).
   */
  static RateLimit rate(Config section, String path) {
    if (isLegacyBlock(section, path)) {
      Config block = section.getConfig(path);
      int starts = block.hasPath("starts") ? block.getInt("starts") : 0;
      Duration per = block.hasPath("per") ? block.getDuration("per") : Duration.ofSeconds(1);
      return starts == 0 ? RateLimit.unlimited() : RateLimit.of(starts, per);
    }
    String text = section.getString(path).trim();
    try {
      return text.toLowerCase(Locale.ROOT).equals("off")
          ? RateLimit.unlimited()
          : RateLimit.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
    }
  }

  /** {@code rate-burst}, or the former block's {@code burst} where that block gives one. */
  static int burst(Config section, String path) {
    return fromLegacyBlock(section, "burst") ? section.getInt("rate.burst") : section.getInt(path);
  }

  /** {@code rate-tick}, or the former block's {@code tick} where that block gives one. */
  static Duration tick(Config section, String path) {
    return fromLegacyBlock(section, "tick")
        ? section.getDuration("rate.tick")
        : section.getDuration(path);
  }

  /** A rate as config writes it: {@code off} or {@code N/UNIT}. */
  static String text(RateLimit rate) {
    return rate.isUnlimited() ? "off" : rate.toText();
  }

  private static boolean fromLegacyBlock(Config section, String key) {
    return isLegacyBlock(section, "rate") && section.hasPath("rate." + key);
  }

  private static boolean isLegacyBlock(Config section, String path) {
    if (!path.equals("rate") || section.getValue(path).valueType() != ConfigValueType.OBJECT) {
      return false;
    }
    if (warned.compareAndSet(false, true)) {
      log.warn(
          "fetchpipe.pool.rate { starts, per, burst, tick } is deprecated and will stop being read: write "
              + "rate = \"N/UNIT\" (e.g. \"20/s\", or off), rate-burst and rate-tick instead");
    }
    return true;
  }

  /** Lets the next read of the former block warn again, so that a test can see the warning. */
  static void forgetWarning() {
    warned.set(false);
  }
}
