package io.fetchpipe.core;

/**
 * An exception that says which {@link ErrorKind} a failure is. Tasks throw it (or fail their
 * CompletionStage with it) when they know more than "it threw", e.g. a fetch that timed out
 * connecting fails with the fetcher's kind {@code connect}.
 */
public class TaskFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorKind kind;

  /** A failure of the given kind with a one-line message. */
  public TaskFailure(ErrorKind kind, String message) {
    this(kind, message, null);
  }

  /** A failure of the given kind with a one-line message and the exception behind it. */
  public TaskFailure(ErrorKind kind, String message, Throwable cause) {
    super(message, cause);
    if (kind == null) {
      throw new IllegalArgumentException("kind must not be null");
    }
    this.kind = kind;
  }

  /** What kind of failure this is. */
  public ErrorKind kind() {
    return kind;
  }
}
