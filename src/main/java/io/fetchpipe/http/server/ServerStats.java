package io.fetchpipe.http.server;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.http.javadsl.server.RouteResult;

/**
 * Live counters of the test server, for tests that check a client's behaviour from the server's
 * side: requests so far, in flight now, and the most in flight at once. A request counts as in
 * flight from routing until its response is ready. On request ({@link #recordArrivals()}) it also
 * notes when each request arrived and for which host, to check rates per host.
 */
public final class ServerStats {
  /**
   * One request's arrival.
   *
   * @param host the request's Host header
   * @param nanos when it arrived, on {@link System#nanoTime()}'s clock
   */
  public record Arrival(String host, long nanos) {}

  private final AtomicLong requests = new AtomicLong();
  private final Queue<Arrival> arrivals = new ConcurrentLinkedQueue<>();
  private volatile boolean recording;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();

  private final Executor executor;

  ServerStats(Executor executor) {
    this.executor = executor;
  }

  CompletionStage<RouteResult> track(String host, CompletionStage<RouteResult> response) {
    if (recording) {
      arrivals.add(new Arrival(host, System.nanoTime()));
    }
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

  /** From now on, notes every request's arrival (until {@link #reset()}). */
  public void recordArrivals() {
    recording = true;
  }

  /** The arrivals noted so far, in order. */
  public List<Arrival> arrivals() {
    return List.copyOf(arrivals);
  }

  /**
   * Starts counting afresh (the in-flight count itself is live and stays); stops noting arrivals.
   */
  public void reset() {
    requests.set(0);
    maxInFlight.set(inFlight.get());
    recording = false;
    arrivals.clear();
  }
}
