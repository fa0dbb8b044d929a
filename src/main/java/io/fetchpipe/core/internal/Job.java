package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
import java.time.Instant;

/**
 * One unit of work on its way through the router: the request, its position in its gather,
 * which attempt this is (1 for the first) and when the first attempt started (null before it).
 *
 * @param <Q> the request type
 */
@InternalApi
public record Job<Q>(Batch batch, int index, Q request, int attempt, Instant firstStartedAt) {

  /** A job's first attempt. */
  public Job(Batch batch, int index, Q request) {
    this(batch, index, request, 1, null);
  }

  /** The next attempt of this job, remembering when the first one started. */
  Job<Q> nextAttempt(Instant firstStart) {
    return new Job<>(batch, index, request, attempt + 1, firstStartedAt == null ? firstStart : firstStartedAt);
  }

  /**
   * Whether {@code other} is this very run: the same item of the same batch, the same attempt. A
   * job that crossed to another node is a copy, so runs are compared by what they are.
   */
  public boolean sameRun(Job<?> other) {
    return other != null && other.batch().id() == batch.id() && other.index() == index && other.attempt() == attempt;
  }
}
