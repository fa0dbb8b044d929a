package io.fetchpipe.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;

/** The {@code fetchpipe} executable. */
public final class Main {
  private Main() {}

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    // Quiet until a command asks for more (--verbose): set before any actor system starts.
    CliLogging.configure(0);
    int status = run(args, Console.system());
    System.out.flush();
    if (Signals.stopping()) {
      // SIGINT/SIGTERM: the JVM is already running its shutdown hooks (which drain and write the
      // results) and exits with 130/143 when they are done; System.exit now would deadlock.
      Signals.awaitExit();
    }
    Signals.decided();
    System.exit(status);
  }

  /**
   * Runs the command line with the given streams and returns the exit status (for tests and
   * embedding). Usage errors print exactly one line to {@code err}, without a stack trace.
   */
  public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
    return run(args, Console.of(in, out, err));
  }

  private static int run(String[] args, Console console) {
    return commandLine(console).execute(args);
  }

  /**
   * The command line, talking to {@code console}: usage errors and run failures as one line on its
   * stderr. The man page and the completion scripts are generated from this model too.
   */
  static CommandLine commandLine(Console console) {
    CommandLine commandLine = new CommandLine(new FetchpipeCommand(console));
    commandLine.setOut(new PrintWriter(console.out(), true));
    commandLine.setErr(new PrintWriter(console.err(), true));
    commandLine.setParameterExceptionHandler(
        (error, ignoredArgs) -> {
          console.error(oneLine(error.getMessage()));
          return ExitCodes.USAGE;
        });
    commandLine.setExecutionExceptionHandler(
        (error, cmd, parsed) -> {
          if (error instanceof UsageException) {
            console.error(error.getMessage());
            return ExitCodes.USAGE;
          }
          if (error instanceof RunFailure failure) {
            if (!failure.quiet()) {
              console.error(failure.getMessage());
            }
            return failure.exitStatus();
          }
          console.error("error: " + oneLine(String.valueOf(error.getMessage())));
          return ExitCodes.ERRORS;
        });
    return commandLine;
  }

  static String oneLine(String message) {
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).trim();
  }
}
