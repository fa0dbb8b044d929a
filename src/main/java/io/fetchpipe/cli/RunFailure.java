package io.fetchpipe.cli;

import io.fetchpipe.core.ErrorKind;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Why a run ended early, as the exit status and the one line (or none) the user sees: a closed
 * standard output ends it quietly with 141, as a Unix tool killed by SIGPIPE; any other failure to
 * write or read is one line and status 1.
 */
final class RunFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The status of a process whose reader went away (128 + SIGPIPE). */
  static final int BROKEN_PIPE = 141;

  private final int exitStatus;

  private RunFailure(int exitStatus, String message, Throwable cause) {
    super(message, cause);
    this.exitStatus = exitStatus;
  }

  /** The exit status. */
  int exitStatus() {
    return exitStatus;
  }

  /** Whether the user should see the message (not for a closed pipe). */
  boolean quiet() {
    return getMessage() == null;
  }

  /** The failure for what ended the run's stream. */
  static RunFailure of(Throwable error) {
    Throwable cause = ErrorKind.unwrap(error);
    if (cause instanceof OutputFailed failed) {
      return new RunFailure(ExitCodes.ERRORS, failed.getMessage(), failed);
    }
    if (cause instanceof UncheckedIOException unchecked) {
      IOException io = unchecked.getCause();
      if (brokenPipe(io)) {
        return new RunFailure(BROKEN_PIPE, null, io);
      }
      return new RunFailure(ExitCodes.ERRORS, "cannot write results: " + Inputs.reason(io), io);
    }
    if (cause instanceof IOException io || cause.getCause() instanceof IOException) {
      IOException reading = cause instanceof IOException io2 ? io2 : (IOException) cause.getCause();
      return new RunFailure(
          ExitCodes.ERRORS, "cannot read the input: " + Inputs.reason(reading), reading);
    }
    String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
    return new RunFailure(ExitCodes.ERRORS, Main.oneLine(message), cause);
  }

  private static boolean brokenPipe(IOException io) {
    return io != null && io.getMessage() != null && io.getMessage().contains("Broken pipe");
  }
}
