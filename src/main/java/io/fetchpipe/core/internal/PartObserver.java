package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.Outcome;

/**
 * Watches the {@link Part}s of an actor system (a metrics binding, say): told of every live part
 * and every new one, it returns the listener that hears what happens in that part.
 */
@InternalApi
public interface PartObserver {

  /**
   * Starts watching {@code part}; the listener is detached when the part closes or the observer
   * stops.
   */
  Listener attach(Part part);

  /** What happens in one part, as one observer hears it. Calls come from any thread. */
  interface Listener {
    /** Something started in the part. */
    void started();

    /** An outcome in the part. */
    void finished(Outcome<?> outcome);

    /** A host's circuit breaker opened. */
    void breakerOpened(String host);

    /** The part is gone, or the observer stopped: drop what was made for it. */
    void detach();
  }
}
