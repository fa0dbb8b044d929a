package io.fetchpipe.core.internal;

import io.fetchpipe.core.RateLimit;
import java.time.Duration;

/**
 * The arithmetic of a token bucket refilled by timer ticks (no clock reads, so it follows the actor
 * system's scheduler, virtual time included). When the rate's spacing is shorter than the
 * scheduler's resolution, each tick adds several tokens; the bucket then holds at least one tick's
 * worth so the rate is still reached.
 */
final class TokenBucket {
  private final boolean unlimited;
  private final Duration tickInterval;
  private final double tokensPerTick;
  private final double capacity;
  private double tokens;

  TokenBucket(RateLimit rate, Duration minTick) {
    this.unlimited = rate.isUnlimited();
    if (unlimited) {
      tickInterval = minTick;
      tokensPerTick = 0;
      capacity = 0;
    } else {
      Duration spacing = rate.spacing();
      tickInterval = spacing.compareTo(minTick) >= 0 ? spacing : minTick;
      tokensPerTick = (double) tickInterval.toNanos() / spacing.toNanos();
      capacity = Math.max(rate.burst(), tokensPerTick);
    }
    tokens = unlimited ? 0 : rate.burst();
  }

  /** True when a start is allowed now. */
  boolean hasToken() {
    return unlimited || tokens >= 1.0;
  }

  /** Uses a token; call only after {@link #hasToken()} said yes. */
  void take() {
    if (!unlimited) {
      tokens -= 1.0;
    }
  }

  /** Empties the bucket: the next start waits for a refill. */
  void drain() {
    if (!unlimited) {
      tokens = 0;
    }
  }

  /** Adds one tick's tokens, up to the capacity. */
  void refill() {
    tokens = Math.min(capacity, tokens + tokensPerTick);
  }

  /** True when ticking would add nothing, so the refill timer may stop. */
  boolean isFull() {
    return unlimited || tokens >= capacity;
  }

  boolean isUnlimited() {
    return unlimited;
  }

  Duration tickInterval() {
    return tickInterval;
  }
}
