package io.fetchpipe.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fetchpipe.core.GatherOptions;
import io.fetchpipe.core.Order;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.Fetcher;
import io.fetchpipe.stream.InputLine;
import io.fetchpipe.stream.JsonLines;
import io.fetchpipe.stream.ResultLine;
import io.fetchpipe.stream.ResultSink;
import io.fetchpipe.stream.UrlLines;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Source;

/**
 * One {@code fetch} run: URLs stream from the input through the fetcher into the JSON-lines sink,
 * so memory stays flat whatever the input's length. On SIGINT/SIGTERM, CoordinatedShutdown first
 * stops new URLs from entering, gives the requests in flight a grace period, writes every
 * completed result, and prints the summary; URLs still unfinished get no line (--resume completes
 * them).
 */
final class FetchRun {
  private final Console console;
  private final FetchOptions options;

  FetchRun(Console console, FetchOptions options) {
    this.console = console;
    this.options = options;
  }

  int run() {
    ResumeState earlier = options.resume() ? ResumeState.load(options.output()) : new ResumeState();
    Config loaded = ConfigFactory.load();
    // The drain runs in CoordinatedShutdown's first phase, which must outlast the grace period.
    Duration phaseTimeout = CliSettings.create(loaded).shutdownGrace().plusSeconds(5);
    Config config = ConfigFactory.parseString(
            "pekko.coordinated-shutdown.phases.service-requests-done.timeout = " + phaseTimeout.toMillis() + "ms")
        .withFallback(loaded);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "fetchpipe", config);
    try (OutputStream out = openOutput()) {
      return fetch(system, config, out, earlier);
    } catch (IOException e) {
      throw new UsageException("cannot write " + options.output() + ": " + e.getMessage());
    } finally {
      system.terminate();
    }
  }

  private OutputStream openOutput() throws IOException {
    if (options.output() == null) {
      return new NonClosing(console.out());
    }
    return new FileOutputStream(options.output().toFile(), options.resume());
  }

  private int fetch(ActorSystem<Void> system, Config config, OutputStream out, ResumeState earlier) {
    CliSettings cli = CliSettings.create(config);
    PoolSettings poolSettings = poolSettings(PoolSettings.create(config));
    FetchSettings fetchSettings = fetchSettings(FetchSettings.create(config));
    RunStats stats = new RunStats();
    stats.addEarlier(earlier.ok, earlier.failed);
    AtomicLong fetchedNow = new AtomicLong();
    int window = Math.max(cli.reorderWindow(), poolSettings.maxConcurrency() * 2);

    try (Fetcher fetcher = Fetcher.create(system, poolSettings, fetchSettings);
        Progress progress = Progress.on(console.err(), options.progress())) {
      Source<InputLine, ?> input = options.input() == null
          ? UrlLines.fromInputStream(console.in())
          : UrlLines.fromPath(options.input());
      Order order = options.inputOrder() ? Order.INPUT : Order.COMPLETION;
      GatherOptions failFast = GatherOptions.defaults().withFailFast(options.failFast());
      Pair<Pair<UniqueKillSwitch, UniqueKillSwitch>, CompletionStage<Done>> running = input
          .filter(line -> !earlier.done.get(Math.toIntExact(line.index())))
          .viaMat(KillSwitches.single(), Keep.right())
          .map(line -> Pair.create(line.request(), line))
          .via(fetcher.<InputLine>flowWithContext(order, window, failFast).asFlow())
          .map(done -> new ResultLine(done.second(), done.first()))
          .viaMat(KillSwitches.single(), Keep.both())
          .toMat(ResultSink.to(out, JsonLines.Options.PLAIN, cli.flushLines(), cli.flushInterval(), (line, ok) -> {
            stats.record(ok);
            fetchedNow.incrementAndGet();
            progress.step();
          }), Keep.both())
          .run(system);
      UniqueKillSwitch stopInput = running.first().first();
      UniqueKillSwitch stopOutput = running.first().second();
      CompletableFuture<Done> finished = running.second().toCompletableFuture();
      CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "drain-fetches",
          () -> drain(system, stopInput, stopOutput, finished, cli.shutdownGrace(), stats, fetchedNow));
      awaitCompletion(finished);
    }
    if (Signals.stopping()) {
      return ExitCodes.ERRORS; // the drain printed the summary; the JVM exits with the signal's status
    }
    if (!options.quiet()) {
      console.err().println(stats.summary(fetchedNow.get()));
    }
    return stats.failed() > 0 ? ExitCodes.ERRORS : ExitCodes.OK;
  }

  /** On a signal: no new URLs; the in-flight ones get {@code grace}; then whatever is done is written. */
  private CompletionStage<Done> drain(ActorSystem<?> system, UniqueKillSwitch stopInput, UniqueKillSwitch stopOutput,
      CompletableFuture<Done> finished, Duration grace, RunStats stats, AtomicLong fetchedNow) {
    if (finished.isDone()) {
      return finished;
    }
    Signals.markStopping();
    stopInput.shutdown();
    system.scheduler().scheduleOnce(grace, stopOutput::shutdown, system.executionContext());
    return finished.handle((done, error) -> {
      if (!options.quiet()) {
        console.err().println(stats.summary(fetchedNow.get()) + " (interrupted)");
      }
      console.out().flush();
      return Done.getInstance();
    });
  }

  private static void awaitCompletion(CompletableFuture<Done> finished) {
    try {
      finished.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while fetching", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new IllegalStateException(cause.getMessage() == null ? cause.toString() : cause.getMessage(), cause);
    }
  }

  private PoolSettings poolSettings(PoolSettings configured) {
    PoolSettings settings = configured;
    if (options.concurrency() != null) {
      settings = settings.withMaxConcurrency(options.concurrency());
    }
    if (options.perHost() != null) {
      settings = settings.withMaxPerKey(options.perHost());
    }
    if (options.rate() != null) {
      settings = settings.withRate(options.rate().withBurst(configured.rate().burst()));
    }
    if (options.retries() != null) {
      settings = settings.withRetry(settings.retry().withMaxRetries(options.retries()));
    }
    if (options.backoff() != null) {
      settings = settings.withRetry(settings.retry().withBackoff(options.backoff()));
    }
    return settings;
  }

  private FetchSettings fetchSettings(FetchSettings configured) {
    FetchSettings settings = configured.withRaiseForStatus(options.raiseForStatus() || configured.raiseForStatus());
    if (options.timeout() != null) {
      settings = settings.withTimeout(options.timeout());
    }
    if (options.maxBody() != null) {
      settings = settings.withMaxBody(options.maxBody());
    }
    if (options.maxRedirects() != null) {
      settings = settings.withMaxRedirects(options.maxRedirects());
    }
    if (options.circuitBreaker() != null || options.circuitReset() != null) {
      settings = settings.withCircuitBreaker(
          options.circuitBreaker() != null ? options.circuitBreaker() : settings.breakerMaxFailures(),
          options.circuitReset() != null ? options.circuitReset() : settings.breakerResetTimeout());
    }
    return settings;
  }

  /** Standard output must outlive the run: closing the run's stream only flushes it. */
  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
