package io.fetchpipe.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The root command: only dispatches to its subcommands. */
@Command(
    name = "fetchpipe",
    mixinStandardHelpOptions = true,
    version = "fetchpipe 0.1.0",
    description = "Fetch many URLs concurrently on Pekko actors; asyncio's patterns on the JVM.",
    subcommands = {
      FetchCommand.class,
      WorkerCommand.class,
      ServeCommand.class,
      DemoCommand.class,
      CompletionCommand.class
    })
final class FetchpipeCommand implements Runnable {
  @Spec CommandSpec spec;

  final Console console;

  FetchpipeCommand(Console console) {
    this.console = console;
  }

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(),
        "missing command: fetch, worker, serve, demo or completion (see --help)");
  }
}
