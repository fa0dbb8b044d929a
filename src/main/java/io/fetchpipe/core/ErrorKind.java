package io.fetchpipe.core;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Why an item failed. Each kind has a stable wire name (e.g. {@code "invalid-url"}) used in JSON
 * output; scripts match on these names, so they never change.
 */
public enum ErrorKind {
  /** The task threw, or its CompletionStage failed, with an exception that names no other kind. */
  EXCEPTION("exception"),
  /** The task did not finish within its timeout, or the gather's deadline passed first. */
  TIMEOUT("timeout"),
  /** The task was cancelled (gather cancelled, fail-fast, shutdown) before it finished. */
  CANCELLED("cancelled"),
  /** The worker running the task crashed or stopped before it could report. */
  CRASHED("crashed"),
  /** The URL could not be parsed, its scheme is not http/https, or it has no host. */
  INVALID_URL("invalid-url"),
  /** The connection could not be opened (refused, host unresolvable). */
  CONNECT("connect"),
  /** The connection was reset or closed in the middle of a response. */
  IO("io"),
  /** The response body exceeded the configured maximum. */
  TOO_LARGE("too-large"),
  /** The response status was 400 or more and statuses were to be treated as errors. */
  HTTP_STATUS("http-status"),
  /** More redirects than allowed. */
  TOO_MANY_REDIRECTS("too-many-redirects"),
  /** The host's circuit breaker was open, so no request was sent. */
  CIRCUIT_OPEN("circuit-open");

  private static final Map<String, ErrorKind> BY_WIRE_NAME =
      Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(ErrorKind::wireName, Function.identity()));

  private final String wireName;

  ErrorKind(String wireName) {
    this.wireName = wireName;
  }

  /** The stable name used in JSON output, e.g. {@code "too-large"}. */
  public String wireName() {
    return wireName;
  }

  /**
   * The kind with the given wire name.
   *
   * @throws IllegalArgumentException if no kind has that name
   */
  public static ErrorKind fromWireName(String name) {
    ErrorKind kind = BY_WIRE_NAME.get(name);
    if (kind == null) {
      throw new IllegalArgumentException("unknown error kind '" + name + "'");
    }
    return kind;
  }

  /**
   * Classifies a failure: a {@link TaskFailure} names its own kind, a {@link TimeoutException}
   * is {@link #TIMEOUT}, a {@link CancellationException} is {@link #CANCELLED}, anything else is
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
}
