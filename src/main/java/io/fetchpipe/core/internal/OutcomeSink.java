package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.Outcome;

/**
 * Where a {@link GatherSupervisor} delivers outcomes: collected in input order, streamed in
 * completion order, or collected until the first failure. Called only from the supervisor.
 */
@InternalApi
public interface OutcomeSink {

  /**
   * Takes one outcome (each index exactly once).
   *
   * @return false when the rest of the gather should be cancelled (see {@link #stopReason()})
   */
  boolean accept(Outcome<?> outcome);

  /** Why the sink asked to stop; read after {@link #accept} returned false. */
  default String stopReason() {
    return "cancelled";
  }

  /** Every item has its outcome. */
  void complete();
}
