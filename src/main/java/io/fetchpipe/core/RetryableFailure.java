package io.fetchpipe.core;

import java.time.Duration;

/**
 * How a task says "this attempt failed, but another may succeed". The pool retries it within
 * its {@link RetrySettings}; when no retry is left, the item's outcome is what this failure
 * carries: the failure {@link #finalError()}, or, when {@link #finalValue()} is not null, a
 * success with that value (e.g. a 503 response that is a valid result once retries are spent).
 */
public class RetryableFailure extends TaskFailure {
  private static final long serialVersionUID = 1L;

  private final transient Object finalValue;
  private final Throwable finalError;
  private final Duration retryAfter;

  private RetryableFailure(Throwable finalError, Object finalValue, Duration retryAfter, String message) {
    super(finalError instanceof TaskFailure f ? f.kind() : ErrorKind.EXCEPTION, message, finalError);
    this.finalError = finalError;
    this.finalValue = finalValue;
    this.retryAfter = retryAfter;
  }

  /** Retry; if no retry is left, the item fails with {@code error}. */
  public static RetryableFailure failing(Throwable error, Duration retryAfter) {
    return new RetryableFailure(error, null, retryAfter, Outcome.describe(error));
  }

  /**
   * Retry; if no retry is left, the item succeeds with {@code value}.
   *
   * @param reason why the attempt should be retried, e.g. "status 503"
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
