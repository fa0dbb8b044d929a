package io.fetchpipe.http.server;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.http.javadsl.server.RouteResult;

/**
 * Live counters of the test server, for tests that check a client's behaviour from the server's
 * side: requests so far, in flight now, and the most in flight at once. A request counts as in
 * flight from routing until its response is ready.
 */
public final class ServerStats {
  private final AtomicLong requests = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();

  private final Executor executor;

  ServerStats(Executor executor) {
    this.executor = executor;
  }

  CompletionStage<RouteResult> track(CompletionStage<RouteResult> response) {
    requests.incrementAndGet();
    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    // An explicit executor: Pekko's stages would otherwise run the callback on the JDK's default
    // async executor, which on a machine of two cores starts a new thread per callback.
    return response.whenCompleteAsync((result, error) -> inFlight.decrementAndGet(), executor);
  }

  /** Requests received so far. */
  public long requests() {
    return requests.get();
  }

  /** Requests being answered now. */
  public int inFlight() {
    return inFlight.get();
  }

  /** The most requests that were being answered at once. */
  public int maxInFlight() {
    return maxInFlight.get();
  }

  /** Starts counting afresh (the in-flight count itself is live and stays). */
  public void reset() {
    requests.set(0);
    maxInFlight.set(inFlight.get());
  }
}
