package io.fetchpipe.cli;

/** The exit statuses scripts rely on. */
final class ExitCodes {
  /** Every line ok. */
  static final int OK = 0;

  /** At least one error line (all lines still written), or the run itself failed. */
  static final int ERRORS = 1;

  /** Usage error: unknown option, bad value, unreadable file. Nothing was fetched. */
  static final int USAGE = 2;

  /** Stopped by SIGINT. */
  static final int INTERRUPTED = 130;

  /** Stopped by SIGTERM. */
  static final int TERMINATED = 143;

  private ExitCodes() {}
}
