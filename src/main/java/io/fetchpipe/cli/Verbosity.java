package io.fetchpipe.cli;

import picocli.CommandLine.Option;

/** The {@code -v/--verbose} option every command shares: logs on stderr only when asked for. */
final class Verbosity {
  @Option(
      names = {"-v", "--verbose"},
      description =
          "log warnings and errors on stderr; twice (-vv) also Pekko's info (default: no logs)")
  boolean[] verbose = new boolean[0];

  /** Sets the command line's logging to what was asked. */
  void apply() {
    CliLogging.configure(verbose.length);
  }
}
