package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
import java.time.Duration;

/**
 * What a key's server allows, as its {@link HostPolicy} read it from the answer to the key's probe
 * (for fetches: the host's robots.txt): which requests may be sent, and the least time between two
 * starts.
 */
@InternalApi
public interface HostRules {

  /** Whether {@code request} may be sent. */
  boolean allows(Object request);

  /** Why {@code request} is not sent: the failure its outcome carries. */
  Throwable refusal(Object request);

  /** The least time between two starts to the key ({@link Duration#ZERO}: none). */
  Duration crawlDelay();
}
