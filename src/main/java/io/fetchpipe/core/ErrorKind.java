package io.fetchpipe.core;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Why an item failed, as a stable name (e.g. {@code "timeout"}) that scripts match on and that
 * travels between nodes as plain text. The core names the kinds every pool can produce; other
 * packages name their own (the fetcher's are in {@code io.fetchpipe.http.FetchErrorKind}), and an
 * application may too. Two kinds are equal when their names are.
 *
 * @param wireName the stable name: lowercase letters, digits and dashes, starting with a letter
 */
public record ErrorKind(String wireName) {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");

  /** The task threw, or its CompletionStage failed, with an exception that names no other kind. */
  public static final ErrorKind EXCEPTION = new ErrorKind("exception");

  /** The task did not finish within its timeout, or the gather's deadline passed first. */
  public static final ErrorKind TIMEOUT = new ErrorKind("timeout");

  /** The task was cancelled (gather cancelled, fail-fast, pool closed) before it finished. */
  public static final ErrorKind CANCELLED = new ErrorKind("cancelled");

  /** The worker running the task crashed or stopped before it could report. */
  public static final ErrorKind CRASHED = new ErrorKind("crashed");

  /** Checks the name's form. */
  public ErrorKind {
    if (wireName == null || !NAME.matcher(wireName).matches()) {
      throw new IllegalArgumentException(
          "an error kind is lowercase letters, digits and dashes, got '" + wireName + "'");
    }
  }

  /** The kind with this name (equal to any other kind of the same name). */
  public static ErrorKind of(String wireName) {
    return new ErrorKind(wireName);
  }

  /**
   * Classifies a failure: a {@link TaskFailure} names its own kind, a {@link TimeoutException} is
   * {@link #TIMEOUT}, a {@link CancellationException} is {@link #CANCELLED}, anything else is
   * {@link #EXCEPTION}. Wrappers added by CompletableFuture are looked through.
   */
  public static ErrorKind classify(Throwable error) {
    Throwable cause = unwrap(error);
    if (cause instanceof TaskFailure failure) {
      return failure.kind();
    }
    if (cause instanceof TimeoutException) {
      return TIMEOUT;
    }
    if (cause instanceof CancellationException) {
      return CANCELLED;
    }
    return EXCEPTION;
  }

  /** Strips the {@link CompletionException} / {@link ExecutionException} wrappers of futures. */
  public static Throwable unwrap(Throwable error) {
    Throwable current = error; // null stays null
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  @Override
  public String toString() {
    return wireName;
  }
}
