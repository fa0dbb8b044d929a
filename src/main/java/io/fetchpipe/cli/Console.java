package io.fetchpipe.cli;

import java.io.InputStream;
import java.io.PrintStream;

/**
 * The streams a command talks to: standard input, standard output (results only) and standard
 * error (summary, progress, errors). Tests pass their own.
 *
 * @param in standard input
 * @param out standard output
 * @param err standard error
 */
record Console(InputStream in, PrintStream out, PrintStream err) {
  static Console system() {
    return new Console(System.in, System.out, System.err);
  }

  /** Prints the one-line error of a failed command. */
  void error(String message) {
    err.println("fetchpipe: " + message);
    err.flush();
  }
}
