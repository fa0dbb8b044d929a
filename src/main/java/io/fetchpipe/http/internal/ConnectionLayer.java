package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * Where a fetch gets its connection to a target: {@link #acquire} hands out a connection that is
 * ready to carry one exchange, the fetch sends its request on it, reads the response, and gives the
 * connection back, saying whether it can carry another. The fetcher's layer is a {@link
 * ConnectionCache}; the interface lets a benchmark put other designs in its place.
 */
@InternalApi
public interface ConnectionLayer {

  /**
   * A connection to {@code target}'s host, ready to send on: an idle one kept from an earlier
   * exchange or, with {@code fresh} or when none is idle, a new one once it is connected. Fails
   * when the connection cannot be made (the name does not resolve, the connection is refused) or
   * the layer has been shut down.
   */
  CompletionStage<Connection> acquire(TargetUrl target, boolean fresh);

  /**
   * One tick of the idle timeout (the client calls it every half idle timeout): connections idle
   * since before the previous tick close.
   */
  void sweep();

  /** How many connections are open now: in use, idle, or being set up. */
  int openConnections();

  /** How many hosts have a connection open or a request waiting for one. */
  int openHosts();

  /**
   * Closes every connection: idle ones at once; those in use get {@code grace} to finish, then are
   * cut. Completes when every connection the layer opened is closed; later acquisitions fail.
   */
  CompletionStage<Done> shutdown(Duration grace);

  /** One connection, held by one exchange at a time, from {@link #acquire} to {@link #release}. */
  interface Connection {

    /**
     * Sends {@code request} (its target relative to the host) and completes with the response's
     * head.
     */
    CompletionStage<HttpResponse> send(HttpRequest request);

    /** Whether the connection carried an exchange before this one (a kept-alive connection). */
    boolean reused();

    /**
     * The exchange is over. {@code reusable}: the response was read to its end and the server keeps
     * the connection open, so it may carry another; otherwise it is closed, whatever is still under
     * way on it. Only the first call counts.
     */
    void release(boolean reusable);
  }
}
