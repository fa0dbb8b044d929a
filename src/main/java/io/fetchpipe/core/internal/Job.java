package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
import java.time.Instant;

/**
 * One unit of work on its way through the router: the request, its position in its gather, which
 * attempt this is (1 for the first; every start counts, on any node), how many of the attempts so
 * far were reruns of a run lost with its worker's node rather than retries after a failure, and
 * when the first attempt started (null before it).
 *
 * @param <Q> the request type
 */
@InternalApi
public record Job<Q>(
    Batch batch, int index, Q request, int attempt, int reruns, Instant firstStartedAt) {

  /** A job's first attempt. */
  public Job(Batch batch, int index, Q request) {
    this(batch, index, request, 1, 0, null);
  }

  /** The next attempt of this job after a failure, remembering when the first one started. */
  Job<Q> nextAttempt(Instant firstStart) {
    return new Job<>(
        batch,
        index,
        request,
        attempt + 1,
        reruns,
        firstStartedAt == null ? firstStart : firstStartedAt);
  }

  /**
   * The next attempt of this job after its run was lost with its worker (it may have reached its
   * target, so it counts as an attempt, but not against the retries a failure may use).
   */
  Job<Q> rerun(Instant firstStart) {
    return new Job<>(
        batch,
        index,
        request,
        attempt + 1,
        reruns + 1,
        firstStartedAt == null ? firstStart : firstStartedAt);
  }

  /** This attempt, known to have started at {@code start}, the first attempt's start. */
  Job<Q> startedAt(Instant start) {
    return new Job<>(batch, index, request, attempt, reruns, start);
  }

  /** The attempts so far that followed a failure. */
  int retries() {
    return attempt - 1 - reruns;
  }

  /**
   * Whether {@code other} is this very run: the same item of the same batch, the same attempt. A
   * job that crossed to another node is a copy, so runs are compared by what they are.
   */
  public boolean sameRun(Job<?> other) {
    return other != null && isRun(other.batch().id(), other.index(), other.attempt());
  }

  /**
   * Whether this is the run of item {@code index}, attempt {@code attempt}, of batch {@code
   * batchId}.
   */
  public boolean isRun(long batchId, int index, int attempt) {
    return batch.id() == batchId && this.index == index && this.attempt == attempt;
  }
}
