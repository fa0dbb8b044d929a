package io.fetchpipe.core;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Turns a request (plain data, e.g. a URL to fetch) into asynchronous work. A {@link JobPool}'s
 * worker actors call it for each request they are handed. Keeping requests as data and the logic
 * here means requests can be sent between nodes while every node brings its own handler.
 *
 * @param <Q> the request type
 * @param <R> the result type
 */
@FunctionalInterface
public interface JobHandler<Q, R> {

  /**
   * Starts work for one request, without blocking.
   *
   * @param request what to do
   * @param context the item's index, its attempt and its cancellation signal
   * @return the eventual result; a failure (or an exception thrown here) becomes a failure Outcome,
   *     and a {@link RetryableFailure}, returned or thrown, is retried
   */
  CompletionStage<R> handle(Q request, TaskContext context);

  /**
   * The key under which {@code max-per-key} limits this request (e.g. a URL's host), or null for no
   * per-key limit. Called by the router for every queued request, so it must be cheap.
   */
  default Object limitKey(Q request) {
    return null;
  }

  /**
   * The failure an attempt ends with when it runs out of time (the pool's task timeout, or the
   * call's). The attempt's cancellation hooks have run by then. The default is a {@link
   * ErrorKind#TIMEOUT} failure; a handler may return a {@link RetryableFailure} so that timeouts
   * are retried, or a failure that carries more detail.
   *
   * @param request the request whose attempt timed out
   * @param context the attempt's context
   * @param after the timeout that passed
   */
  default Throwable timedOut(Q request, TaskContext context, Duration after) {
    return new TaskFailure(ErrorKind.TIMEOUT, "timed out after " + Durations.format(after));
  }
}
