package io.fetchpipe.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * The streams a command talks to: standard input, standard output (results only) and standard error
 * (summary, progress, errors). Results are written to {@code results}, which in a real process is
 * standard output's file descriptor itself: a {@code PrintStream} would swallow the error of a full
 * disk or a closed pipe. Tests pass their own streams.
 *
 * @param in standard input
 * @param out standard output, for text
 * @param err standard error
 * @param results standard output, for result lines
 * @param errIsTerminal whether {@code err} is a terminal (the progress bar's default)
 * @param environment the environment variables commands read (proxies)
 */
record Console(
    InputStream in,
    PrintStream out,
    PrintStream err,
    OutputStream results,
    boolean errIsTerminal,
    Map<String, String> environment) {
  /** The process's own streams. */
  static Console system() {
    return new Console(
        System.in,
        System.out,
        System.err,
        new FileOutputStream(FileDescriptor.out),
        Terminal.stderrIsTerminal(),
        System.getenv());
  }

  /**
   * Streams of the caller's (tests, embedding): results go to {@code out}; none is a terminal; the
   * process's environment.
   */
  static Console of(InputStream in, PrintStream out, PrintStream err) {
    return new Console(in, out, err, out, false, System.getenv());
  }

  /** The same streams with {@code variables} as the environment. */
  Console withEnvironment(Map<String, String> variables) {
    return new Console(in, out, err, results, errIsTerminal, Map.copyOf(variables));
  }

  /** Prints the one-line error of a failed command. */
  void error(String message) {
    err.println("fetchpipe: " + message);
    err.flush();
  }
}
