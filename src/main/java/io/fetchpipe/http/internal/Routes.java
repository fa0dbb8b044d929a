package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import java.util.concurrent.CompletionStage;

/**
 * How a connection to a target is made: the one place that decides it, so that the connection layer
 * itself knows nothing of names, pinned addresses, proxies or TLS options. A fetcher's routes are
 * its {@link Network}.
 */
@InternalApi
@FunctionalInterface
public interface Routes {

  /**
   * The route of a new connection to {@code target}'s host; it may take a while (a name lookup) and
   * fails when there is none (the name does not resolve), with the error the fetch reports.
   */
  CompletionStage<NetworkRoute> route(TargetUrl target);
}
