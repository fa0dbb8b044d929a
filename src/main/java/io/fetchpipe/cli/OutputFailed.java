package io.fetchpipe.cli;

/** The run could not write what it fetched (a line, or a body with {@code --save}). */
final class OutputFailed extends RuntimeException {
  private static final long serialVersionUID = 1L;

  OutputFailed(String message, Throwable cause) {
    super(message, cause);
  }
}
