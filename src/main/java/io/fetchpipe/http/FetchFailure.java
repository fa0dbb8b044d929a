package io.fetchpipe.http;

import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.TaskFailure;

/**
 * Why a fetch failed, with what the output needs beyond the kind: how many requests were started
 * and, for {@link ErrorKind#HTTP_STATUS}, the status that was raised.
 */
public class FetchFailure extends TaskFailure {
  private static final long serialVersionUID = 1L;

  private final int attempts;
  private final int status;

  /**
   * A fetch failure.
   *
   * @param kind what went wrong
   * @param message one line
   * @param attempts requests started (0 if none)
   * @param status the response status for {@link ErrorKind#HTTP_STATUS}, else 0
   * @param cause the exception behind it, or null
   */
  public FetchFailure(ErrorKind kind, String message, int attempts, int status, Throwable cause) {
    super(kind, message, cause);
    this.attempts = attempts;
    this.status = status;
  }

  /** Requests started for the URL. */
  public int attempts() {
    return attempts;
  }

  /** The raised status, or 0 when the failure is not about a status. */
  public int status() {
    return status;
  }
}
