package io.fetchpipe.cli;

import io.fetchpipe.core.JobPool;
import io.fetchpipe.http.FetchRequest;
import io.fetchpipe.http.FetchResponse;

/**
 * Where a fetch run's requests are fetched: by this process alone, or by a cluster it coordinates.
 */
interface FetchBackend extends AutoCloseable {

  /** The pool the run's requests go through. */
  JobPool<FetchRequest, FetchResponse> pool();

  /**
   * Whether bodies to save come back in memory and are written by this process (a cluster's workers
   * cannot write to this machine's disk), rather than streamed to disk by the fetch.
   */
  boolean savesHere();

  /** Closes the pool and whatever the backend started. */
  @Override
  void close();
}
