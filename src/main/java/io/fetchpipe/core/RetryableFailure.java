package io.fetchpipe.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How a task says "this attempt failed, but another may succeed": it returns a stage failed with
 * one, or throws one (the two are the same to the pool). The pool retries it within its {@link
 * RetrySettings}: after the exponential backoff with full jitter ({@link #withBackoff}), or after
 * the wait the failure names ({@link #after}, e.g. a server's {@code Retry-After}). When no retry
 * is left, the item's outcome is what this failure carries: the failure {@link #finalError()}, or,
 * for {@link #succeeding}, a success with {@link #finalValue()} (e.g. a 503 response, which is a
 * valid result once retries are spent). {@link TaskContext#attempt()} tells a task which attempt it
 * runs: 1 for the first, 2 for the first retry.
 *
 * <pre>{@code
 * Task<Page> fetchPage = context -> client.get(url).thenCompose(response -> response.status() == 503
 *     ? CompletableFuture.failedFuture(RetryableFailure.withBackoff(new IllegalStateException("busy")))
 *     : CompletableFuture.completedFuture(response.page()));
 * }</pre>
 */
public class RetryableFailure extends TaskFailure {
  private static final long serialVersionUID = 1L;

  private final transient Object finalValue;
  private final Throwable finalError;
  private final Duration retryAfter;

  private RetryableFailure(
      Throwable finalError, Object finalValue, Duration retryAfter, String message) {
    super(
        finalError instanceof TaskFailure f ? f.kind() : ErrorKind.EXCEPTION, message, finalError);
    this.finalError = finalError;
    this.finalValue = finalValue;
    this.retryAfter = retryAfter;
  }

  /** Retry after the pool's backoff; if no retry is left, the item fails with {@code error}. */
  public static RetryableFailure withBackoff(Throwable error) {
    return failing(error, null);
  }

  /**
   * Retry after {@code wait} (capped at the pool's {@code max-retry-after}) instead of the backoff,
   * as a server's {@code Retry-After} asks; if no retry is left, the item fails with {@code error}.
   */
  public static RetryableFailure after(Duration wait, Throwable error) {
    return failing(error, Objects.requireNonNull(wait, "wait"));
  }

  /**
   * Retry; if no retry is left, the item fails with {@code error}.
   *
   * @param retryAfter the wait before the retry, or null for the pool's backoff ({@link
   *     #withBackoff} and {@link #after} say which by their names)
   */
  public static RetryableFailure failing(Throwable error, Duration retryAfter) {
    return new RetryableFailure(error, null, retryAfter, Outcome.describe(error));
  }

  /**
   * Retry; if no retry is left, the item <em>succeeds</em> with {@code value}: for an attempt whose
   * result is worth another try but is still a result (a 503 page, an empty search).
   *
   * @param value what the item succeeds with when retries are spent
   * @param reason why the attempt should be retried, e.g. "status 503"
   * @param retryAfter the wait before the retry, or null for the pool's backoff
   */
  public static RetryableFailure succeeding(Object value, String reason, Duration retryAfter) {
    return new RetryableFailure(null, value, retryAfter, reason);
  }

  /** The value to succeed with when retries are spent, or null. */
  public Object finalValue() {
    return finalValue;
  }

  /** The error to fail with when retries are spent (null when {@link #finalValue()} is set). */
  public Throwable finalError() {
    return finalError;
  }

  /** The wait the server asked for, or null to use the backoff. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
