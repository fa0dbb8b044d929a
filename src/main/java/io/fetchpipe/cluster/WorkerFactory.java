package io.fetchpipe.cluster;

import com.typesafe.config.Config;
import io.fetchpipe.core.JobHandler;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * What a node runs for each pool that attaches to its workers: from the pool's config (sent by the
 * node that created the pool, so every node works alike), the handler its workers use and whatever
 * the handler needs (a fetcher's connections, say), stopped when the pool lets go.
 *
 * @param <Q> the request type
 * @param <R> the result type
 */
@FunctionalInterface
public interface WorkerFactory<Q, R> {
  /**
   * The key under which the pool's config also carries the pool's name (its metrics' {@code pool}
   * tag).
   */
  String POOL_NAME = "fetchpipe-pool-name";

  /**
   * Starts what one pool's jobs need on this node; {@code poolConfig} also holds {@link
   * #POOL_NAME}.
   */
  Serving<Q, R> serve(Config poolConfig);

  /**
   * One pool's handler on this node, and how to stop what it started.
   *
   * @param <Q> the request type
   * @param <R> the result type
   */
  interface Serving<Q, R> {
    /** The handler the node's workers run the pool's jobs with. */
    JobHandler<Q, R> handler();

    /** Stops what the handler started; called once, when the pool lets go of the node. */
    CompletionStage<Done> stop();
  }
}
