package io.fetchpipe.cli;

/** A problem with what the user asked for: reported as one line on stderr, exit status 2. */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
