package io.fetchpipe.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fetchpipe.core.GatherOptions;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.ReadAs;
import io.fetchpipe.stream.FetchLines;
import io.fetchpipe.stream.InputLine;
import io.fetchpipe.stream.JsonLines;
import io.fetchpipe.stream.JsonRequests;
import io.fetchpipe.stream.ResultSink;
import io.fetchpipe.stream.UrlLines;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamConverters;
import org.apache.pekko.util.ByteString;

/**
 * One {@code fetch} run: requests stream from the input through the fetcher into the JSON-lines
 * sink, so memory stays flat whatever the input's length. The output is the product: a failed write
 * (of a line or of a saved body) stops the run at once and is reported, never a summary that claims
 * lines that were not written. On SIGINT/SIGTERM, CoordinatedShutdown first stops new requests from
 * entering, gives the ones in flight a grace period, writes every completed result, and prints the
 * summary; requests still unfinished get no line (--resume completes them).
 */
final class FetchRun {
  // Headers, the URL and the rest of an outcome beside the body, generously.
  private static final long FRAME_OVERHEAD = 1L << 20;

  private final Console console;
  private final FetchOptions options;

  FetchRun(Console console, FetchOptions options) {
    this.console = console;
    this.options = options;
  }

  int run() {
    Config loaded = ConfigFactory.load();
    RunStats stats =
        new RunStats(options.numbers().any() ? CliSettings.create(loaded).statsHosts() : 0);
    ResumeState earlier =
        options.resume()
            ? ResumeState.load(options.output(), stats::recordEarlier)
            : new ResumeState();
    // The drain runs in CoordinatedShutdown's first phase, which must outlast the grace period.
    Duration phaseTimeout = CliSettings.create(loaded).shutdownGrace().plusSeconds(5);
    Config config =
        ConfigFactory.parseString(
                "pekko.coordinated-shutdown.phases.service-requests-done.timeout = "
                    + phaseTimeout.toMillis()
                    + "ms")
            .withFallback(loaded);
    if (options.cluster() != null) {
      config =
          ClusterConfigs.node(
              options.cluster().address(),
              List.of(options.cluster().address()),
              ClusterConfigs.COORDINATOR,
              config);
    }
    OutputStream out = openOutput();
    ActorSystem<Void> system =
        ActorSystem.create(Behaviors.empty(), ClusterConfigs.SYSTEM_NAME, config);
    try (MetricsEndpoint metrics =
        MetricsEndpoint.start(system, options.numbers().metrics(), console, options.quiet())) {
      return fetch(system, config, out, earlier, stats);
    } finally {
      closeQuietly(out);
      system.terminate();
    }
  }

  private OutputStream openOutput() {
    if (options.output() == null) {
      return new NonClosing(console.results());
    }
    try {
      return new FileOutputStream(options.output().toFile(), options.resume());
    } catch (IOException e) {
      throw new UsageException("cannot write " + options.output() + ": " + Inputs.reason(e));
    }
  }

  private int fetch(
      ActorSystem<Void> system,
      Config config,
      OutputStream out,
      ResumeState earlier,
      RunStats stats) {
    CliSettings cli = CliSettings.create(config);
    PoolSettings poolSettings = options.overrides().apply(PoolSettings.create(config));
    FetchSettings fetchSettings =
        options.overrides().apply(FetchSettings.create(config)).withReadAs(readAs(options.body()));
    if (options.cluster() != null) {
      checkFrameSize(config, fetchSettings.maxBody());
    }
    int concurrency = poolSettings.maxConcurrency();
    // Bodies held for their lines: at most about one per request in flight, not a reorder window's
    // worth.
    int window =
        options.bodiesInLines() ? concurrency : Math.max(cli.reorderWindow(), concurrency * 2);
    int flushLines =
        options.bodiesInLines() ? Math.min(cli.flushLines(), concurrency) : cli.flushLines();

    try (Closing closing = new Closing(backend(system, poolSettings, fetchSettings))) {
      FetchBackend backend = closing.backend();
      // The clock starts with the first request, not before the workers of a cluster have joined.
      stats.startClock();
      run(system, cli, backend, out, earlier, window, flushLines, stats);
    }
    if (Signals.stopping()) {
      return ExitCodes
          .ERRORS; // the drain printed the summary; the JVM exits with the signal's status
    }
    boolean written = finish(stats, "");
    return stats.failed() > 0 || !written ? ExitCodes.ERRORS : ExitCodes.OK;
  }

  /**
   * Writes the run's figures where the options say and prints the summary line (with {@code
   * suffix}), all from one snapshot so that they agree; false when a figures file could not be
   * written.
   */
  private boolean finish(RunStats stats, String suffix) {
    StatsSnapshot snapshot = stats.snapshot();
    boolean written = new NumbersWriter(console, options.numbers()).write(snapshot);
    if (!options.quiet()) {
      console.err().println(snapshot.summaryLine() + suffix);
    }
    return written;
  }

  /**
   * Streams the input through the backend's pool into the output, until done or stopped by a
   * signal.
   */
  private void run(
      ActorSystem<Void> system,
      CliSettings cli,
      FetchBackend backend,
      OutputStream out,
      ResumeState earlier,
      int window,
      int flushLines,
      RunStats stats) {
    try (Progress progress =
        options.progress() ? Progress.start(console, stats, options.input()) : Progress.off()) {
      SaveStage saving = new SaveStage(options.saveDir(), backend.savesHere(), system);
      Pair<Pair<UniqueKillSwitch, UniqueKillSwitch>, CompletionStage<Done>> running =
          input()
              .filter(line -> !earlier.done.get(Math.toIntExact(line.index())))
              .map(saving::prepare)
              .viaMat(KillSwitches.single(), Keep.right())
              // An invalid line takes its place in the output, reaching no server.
              .via(
                  FetchLines.flow(
                      backend.pool(),
                      options.order(),
                      window,
                      GatherOptions.defaults().withFailFast(options.failFast())))
              .via(saving.flow())
              .viaMat(KillSwitches.single(), Keep.both())
              .toMat(
                  ResultSink.to(
                      out,
                      new ResultSink.Options(
                          new JsonLines.Options(options.includeHeaders(), options.body()),
                          flushLines,
                          cli.flushInterval()),
                      stats::record),
                  Keep.both())
              .run(system);
      UniqueKillSwitch stopInput = running.first().first();
      UniqueKillSwitch stopOutput = running.first().second();
      CompletableFuture<Done> finished = running.second().toCompletableFuture();
      CoordinatedShutdown.get(system)
          .addTask(
              CoordinatedShutdown.PhaseServiceRequestsDone(),
              "drain-fetches",
              () ->
                  drain(
                      system,
                      stopInput,
                      stopOutput,
                      finished,
                      cli.shutdownGrace(),
                      stats,
                      progress));
      awaitCompletion(finished);
    }
  }

  private Source<InputLine, ?> input() {
    UrlLines.LineReader reader =
        options.jsonl() ? new JsonRequests(options.template()) : UrlLines.lines(options.template());
    Source<ByteString, ?> bytes =
        options.input() == null
            ? StreamConverters.fromInputStream(console::in)
            : Inputs.bytes(options.input());
    return bytes.via(UrlLines.parse(reader));
  }

  private static ReadAs readAs(JsonLines.BodyField body) {
    return switch (body) {
      case NONE -> ReadAs.discard();
      case TEXT -> ReadAs.text();
      case BASE64, JSON -> ReadAs.bytes();
    };
  }

  /** In a cluster a body travels in one Artery frame, so the largest body must fit in one. */
  private static void checkFrameSize(Config config, long maxBody) {
    long frame = config.getBytes("pekko.remote.artery.advanced.maximum-large-frame-size");
    long room = frame - FRAME_OVERHEAD;
    if (maxBody > room) {
      throw new UsageException(
          "with --cluster, --max-body is at most "
              + room
              + " bytes (Artery's "
              + "maximum-large-frame-size "
              + frame
              + " minus room for the rest of the message); raise that setting");
    }
  }

  private FetchBackend backend(ActorSystem<?> system, PoolSettings pool, FetchSettings fetch) {
    if (options.cluster() == null) {
      return new LocalBackend(system, pool, fetch);
    }
    return ClusterBackend.start(system, pool, fetch, options.cluster(), console, options.quiet());
  }

  /**
   * Closes the backend at the end of the run. Once a signal stops the process, the actor system
   * shuts down beside the close and may stop the pool's actors before they report back: the results
   * are written by then, so that is no failure of the run's.
   */
  private record Closing(FetchBackend backend) implements AutoCloseable {
    @Override
    public void close() {
      try {
        backend.close();
      } catch (RuntimeException e) {
        if (!Signals.stopping()) {
          throw e;
        }
      }
    }
  }

  /**
   * On a signal: no new URLs; the in-flight ones get {@code grace}; then whatever is done is
   * written.
   */
  private CompletionStage<Done> drain(
      ActorSystem<?> system,
      UniqueKillSwitch stopInput,
      UniqueKillSwitch stopOutput,
      CompletableFuture<Done> finished,
      Duration grace,
      RunStats stats,
      Progress progress) {
    if (finished.isDone()) {
      return finished;
    }
    Signals.markStopping();
    stopInput.shutdown();
    system.scheduler().scheduleOnce(grace, stopOutput::shutdown, system.executionContext());
    return finished.handle(
        (done, error) -> {
          progress.close();
          finish(stats, " (interrupted)");
          console.err().flush();
          return Done.getInstance();
        });
  }

  /** Waits for the run; a failure of the output or the input becomes the run's one-line error. */
  private static void awaitCompletion(CompletableFuture<Done> finished) {
    try {
      finished.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while fetching", e);
    } catch (ExecutionException e) {
      throw RunFailure.of(e.getCause());
    }
  }

  private static void closeQuietly(OutputStream out) {
    try {
      out.close();
    } catch (IOException e) {
      // Every line was written and flushed before; a failing close has nothing left to lose.
    }
  }

  /** Standard output must outlive the run: closing the run's stream only flushes it. */
  private static final class NonClosing extends FilterOutputStream {
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
