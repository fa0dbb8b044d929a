package io.fetchpipe.cli;

import io.fetchpipe.demo.SeedWalkthrough;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code fetchpipe demo}: the seed article's walkthrough, run for real against the embedded server.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Walk through the seed's asyncio examples, each beside the Java that does it, with timings.")
final class DemoCommand implements Callable<Integer> {
  @ParentCommand FetchpipeCommand parent;

  @Mixin Verbosity verbosity;

  @Option(
      names = "--time-scale",
      paramLabel = "X",
      description = "multiply every delay by X; 0.1 runs ten times faster (default: 1)")
  double timeScale = 1.0;

  @Override
  public Integer call() throws Exception {
    verbosity.apply();
    if (!(timeScale > 0) || timeScale > 10) {
      throw new UsageException(
          "invalid value for --time-scale: " + timeScale + " (expected more than 0, at most 10)");
    }
    return new SeedWalkthrough(parent.console.out(), timeScale).run()
        ? ExitCodes.OK
        : ExitCodes.ERRORS;
  }
}
