package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
import java.time.Duration;

/**
 * What one attempt's outcome says about its key's server, read by the pool's {@link HostPolicy}
 * from the outcome itself (so it is plain data wherever the attempt ran): whether the server
 * answered, asked to slow down or could not be reached, how long it asked to be left alone, and how
 * many more requests it will take in its current rate-limit window.
 *
 * @param signal the kind of answer
 * @param pause how long the server asked to be left alone (its {@code Retry-After}), or null
 * @param pacing the server's rate-limit window as its headers told it, or null
 */
@InternalApi
public record HostFeedback(Signal signal, Duration pause, Pacing pacing) {

  /** Nothing to learn (a cancellation, a local failure). */
  public static final HostFeedback NONE = new HostFeedback(Signal.NONE, null, null);

  /** The kind of answer an attempt got. */
  public enum Signal {
    /** Nothing about the server: the attempt was cancelled, or failed on this side. */
    NONE,
    /** The server answered (any status but the throttling ones). */
    ANSWERED,
    /** The server answered "slow down" (for fetches: 429 or 503). */
    THROTTLED,
    /** The server could not be reached in time (for fetches: a timeout or a connect failure). */
    UNREACHED;

    /** Whether the key should slow down. */
    public boolean congested() {
      return this == THROTTLED || this == UNREACHED;
    }
  }

  /**
   * A server's rate-limit window: {@code remaining} more requests until it resets in {@code reset}.
   *
   * @param remaining requests the server still takes in this window (0: none)
   * @param reset time until the window resets
   */
  public record Pacing(int remaining, Duration reset) {
    /** Checks the fields. */
    public Pacing {
      if (remaining < 0) {
        throw new IllegalArgumentException("remaining must not be negative, got " + remaining);
      }
      if (reset == null || reset.isNegative()) {
        throw new IllegalArgumentException("reset must not be negative, got " + reset);
      }
    }
  }
}
