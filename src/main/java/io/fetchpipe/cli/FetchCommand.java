package io.fetchpipe.cli;

import io.fetchpipe.core.RateLimit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code fetchpipe fetch [options] [FILE|-]}: one JSON line per URL on stdout (or -o FILE). */
@Command(
    name = "fetch",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Fetch every URL of FILE (one per line; - or none: stdin) and print one JSON line per URL.")
final class FetchCommand implements Callable<Integer> {
  /** The order results are written in. */
  enum Order {
    input,
    completion
  }

  @ParentCommand FetchpipeCommand parent;

  @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "URL file; - or none reads stdin")
  String file;

  @Option(names = {"-c", "--concurrency"}, paramLabel = "N", converter = Converters.Positive.class,
      description = "max requests in flight (default: from config, 5)")
  Integer concurrency;

  @Option(names = "--per-host", paramLabel = "N", converter = Converters.Positive.class,
      description = "max requests in flight to one host (scheme+host+port)")
  Integer perHost;

  @Option(names = {"-r", "--rate"}, paramLabel = "N/UNIT", converter = Converters.Rate.class,
      description = "max request starts per s, min or h, evenly spaced; retries count")
  RateLimit rate;

  @Option(names = {"-t", "--timeout"}, paramLabel = "DURATION", converter = Converters.PositiveDuration.class,
      description = "per attempt, from send to the last body byte (default 10s)")
  Duration timeout;

  @Option(names = "--retries", paramLabel = "N", converter = Converters.NonNegative.class,
      description = "extra attempts after connect, timeout, io errors and 429/502/503/504 (default 0)")
  Integer retries;

  @Option(names = "--backoff", paramLabel = "DURATION", converter = Converters.PositiveDuration.class,
      description = "base of the exponential backoff with full jitter (default 200ms)")
  Duration backoff;

  @Option(names = "--order", paramLabel = "input|completion",
      description = "input: lines in input order (gather); completion: as they finish (as_completed)")
  Order order = Order.input;

  @Option(names = "--fail-fast", description = "at the first error, cancel the rest (kind cancelled)")
  boolean failFast;

  @Option(names = "--raise-for-status", description = "status >= 400 is an error (kind http-status)")
  boolean raiseForStatus;

  @Option(names = "--max-body", paramLabel = "SIZE", converter = Converters.Size.class,
      description = "largest body: B, KiB, MiB, GiB, KB, MB, GB (default 8MiB)")
  Long maxBody;

  @Option(names = "--max-redirects", paramLabel = "N", converter = Converters.NonNegative.class,
      description = "follow up to N redirects (default 0: not followed)")
  Integer maxRedirects;

  @Option(names = "--circuit-breaker", paramLabel = "N", converter = Converters.NonNegative.class,
      description = "after N consecutive failures to a host, fail its URLs at once (kind circuit-open); 0: off")
  Integer circuitBreaker;

  @Option(names = "--circuit-reset", paramLabel = "DURATION", converter = Converters.PositiveDuration.class,
      description = "how long an open circuit stays open before a trial request (default 30s)")
  Duration circuitReset;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write JSON lines to FILE, not stdout")
  Path output;

  @Option(names = "--resume", description = "with -o: keep the lines already in FILE and fetch only the rest")
  boolean resume;

  @Option(names = "--progress", negatable = true, description = "progress bar on stderr (default: if a terminal)")
  Boolean progress;

  @Option(names = {"-q", "--quiet"}, description = "no summary line")
  boolean quiet;

  @Override
  public Integer call() {
    return new FetchRun(parent.console, options()).run();
  }

  private FetchOptions options() {
    Path input = null;
    if (file != null && !file.equals("-")) {
      input = Path.of(file);
      if (!Files.isRegularFile(input)) {
        throw new UsageException("cannot read " + file + ": " + (Files.exists(input) ? "not a regular file" : "no such file"));
      }
      if (!Files.isReadable(input)) {
        throw new UsageException("cannot read " + file + ": permission denied");
      }
    }
    if (resume && output == null) {
      throw new UsageException("--resume needs -o FILE");
    }
    if (output != null && Files.isDirectory(output)) {
      throw new UsageException("cannot write " + output + ": it is a directory");
    }
    boolean showProgress = progress != null ? progress : System.console() != null;
    return new FetchOptions(input, concurrency, perHost, rate, timeout, retries, backoff,
        order == Order.input, failFast, raiseForStatus, maxBody, maxRedirects, circuitBreaker, circuitReset,
        output, resume, showProgress, quiet);
  }
}
