package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.internal.HostFeedback;
import io.fetchpipe.http.Header;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Reads a server's rate-limit window from its response headers, in three forms, the first present
 * winning:
 *
 * <ol>
 *   <li>{@code RateLimit: "policy";r=R;t=T} (draft-ietf-httpapi-ratelimit-headers): R requests
 *       remain, the window resets in T seconds (the first list member with both parameters);
 *   <li>{@code RateLimit-Remaining: R} with {@code RateLimit-Reset: T} (seconds);
 *   <li>{@code X-RateLimit-Remaining: R} with {@code X-RateLimit-Reset: T}: seconds, or a Unix time
 *       when T is above {@value #UNIX_TIME_ABOVE} (as GitHub and others send it).
 * </ol>
 *
 * A form whose values cannot be read counts as absent. Seconds may have decimals.
 */
@InternalApi
public final class RateLimitHeaders {
  /** Reset values above this are Unix times (2001-09-09), not delays. */
  static final long UNIX_TIME_ABOVE = 1_000_000_000L;

  private RateLimitHeaders() {}

  /**
   * The window the headers tell, or null when they tell none; {@code now} reads a Unix-time reset.
   */
  public static HostFeedback.Pacing read(List<Header> headers, Instant now) {
    HostFeedback.Pacing pacing = structured(value(headers, "RateLimit"));
    if (pacing == null) {
      pacing = pair(value(headers, "RateLimit-Remaining"), value(headers, "RateLimit-Reset"), null);
    }
    if (pacing == null) {
      pacing =
          pair(value(headers, "X-RateLimit-Remaining"), value(headers, "X-RateLimit-Reset"), now);
    }
    return pacing;
  }

  private static String value(List<Header> headers, String name) {
    for (Header header : headers) {
      if (header.is(name)) {
        return header.value();
      }
    }
    return null;
  }

  /** {@code "policy";r=R;t=T}, possibly one of several list members. */
  static HostFeedback.Pacing structured(String value) {
    if (value == null) {
      return null;
    }
    for (String member : value.split(",")) {
      String remaining = null;
      String reset = null;
      String[] parts = member.split(";");
      for (int i = 1; i < parts.length; i++) {
        String parameter = parts[i].trim();
        if (parameter.startsWith("r=")) {
          remaining = parameter.substring(2);
        } else if (parameter.startsWith("t=")) {
          reset = parameter.substring(2);
        }
      }
      HostFeedback.Pacing pacing = pair(remaining, reset, null);
      if (pacing != null) {
        return pacing;
      }
    }
    return null;
  }

  /** R and T as text; with {@code now}, a T above {@link #UNIX_TIME_ABOVE} is a Unix time. */
  private static HostFeedback.Pacing pair(String remaining, String reset, Instant now) {
    if (remaining == null || reset == null) {
      return null;
    }
    try {
      int left = Integer.parseInt(remaining.trim());
      BigDecimal seconds = new BigDecimal(reset.trim());
      if (left < 0 || seconds.signum() < 0) {
        return null;
      }
      if (now != null && seconds.compareTo(BigDecimal.valueOf(UNIX_TIME_ABOVE)) > 0) {
        seconds = seconds.subtract(BigDecimal.valueOf(now.getEpochSecond()));
        if (seconds.signum() < 0) {
          seconds = BigDecimal.ZERO; // the window has reset already
        }
      }
      return new HostFeedback.Pacing(
          left,
          Duration.ofNanos(
              seconds.movePointRight(9).setScale(0, RoundingMode.CEILING).longValueExact()));
    } catch (NumberFormatException | ArithmeticException unreadable) {
      return null;
    }
  }
}
