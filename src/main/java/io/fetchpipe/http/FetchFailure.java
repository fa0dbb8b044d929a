package io.fetchpipe.http;

import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.TaskFailure;

/**
 * Why a fetch failed, with what an output line needs beyond the kind: how many requests were
 * started and, when a response arrived but counts as an error ({@code http-status}, {@code
 * decode}), that response.
 */
public class FetchFailure extends TaskFailure {
  private static final long serialVersionUID = 1L;

  private final int attempts;
  private final transient FetchResponse response;

  /**
   * A fetch failure.
   *
   * @param kind what went wrong
   * @param message one line
   * @param attempts requests started (0 if none)
   * @param response the response that arrived, or null
   * @param cause the exception behind it, or null
   */
  public FetchFailure(
      ErrorKind kind, String message, int attempts, FetchResponse response, Throwable cause) {
    super(kind, message, cause);
    this.attempts = attempts;
    this.response = response;
  }

  /** A failure without a response or cause. */
  public FetchFailure(ErrorKind kind, String message, int attempts) {
    this(kind, message, attempts, null, null);
  }

  /** Requests started for the URL. */
  public int attempts() {
    return attempts;
  }

  /** The response that arrived and counts as an error, or null. */
  public FetchResponse response() {
    return response;
  }

  /** The status of that response, or 0 when there is none. */
  public int status() {
    return response == null ? 0 : response.status();
  }
}
