package io.fetchpipe.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;

/**
 * The optional progress bar on stderr: lines written (ok and failed) out of the input's URLs, the
 * current rate, the time so far and, with a total, the time left. The total is known for a regular
 * file, counted on a thread of its own while the run goes on; a pipe or standard input shows counts
 * and rate alone. The counts are the run's own ({@link RunStats}), read at every refresh; the text
 * comes from {@link ProgressLine}. At the end the bar is cleared, so the summary line (or nothing,
 * with -q) is what stays on the terminal.
 */
final class Progress implements AutoCloseable {
  private static final int REFRESH_MILLIS = 200;
  private static final long RATE_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final long RATE_MIN_SPAN_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private final RunStats stats;
  private final RateMeter rate = new RateMeter(RATE_WINDOW_NANOS, RATE_MIN_SPAN_NANOS);
  private final long startNanos = System.nanoTime();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile long total = -1;
  private ProgressBar bar;
  private Thread counting;

  private Progress(RunStats stats) {
    this.stats = stats;
  }

  /** No bar. */
  static Progress off() {
    Progress none = new Progress(null);
    none.closed.set(true);
    return none;
  }

  /**
   * Starts a bar on {@code console}'s stderr that shows {@code stats}.
   *
   * @param input the input file, counted for the total when it is a regular file; null for stdin
   */
  static Progress start(Console console, RunStats stats, Path input) {
    Progress progress = new Progress(stats);
    int width = (console.errIsTerminal() ? Terminal.stderrColumns() : Terminal.DEFAULT_COLUMNS) - 1;
    if (input != null && Files.isRegularFile(input)) {
      progress.counting = UrlCount.inBackground(input, count -> progress.total = count);
    }
    progress.bar =
        new ProgressBarBuilder()
            .setTaskName("fetch")
            .setInitialMax(-1)
            .setUpdateIntervalMillis(REFRESH_MILLIS)
            .continuousUpdate()
            .setConsumer(new StderrLine(console.err(), width, console.errIsTerminal()))
            .setRenderer((state, maxLength) -> progress.render(maxLength))
            .clearDisplayOnFinish()
            .build();
    return progress;
  }

  /** The bar's text now (called by the refreshing thread only). */
  private String render(int width) {
    long now = System.nanoTime();
    rate.record(now, stats.writtenNow());
    ProgressLine.Snapshot snapshot =
        new ProgressLine.Snapshot(
            stats.ok(),
            stats.failed(),
            total,
            Duration.ofNanos(now - startNanos),
            rate.perSecond());
    return ProgressLine.render(snapshot, width);
  }

  /** Clears the bar and stops refreshing it; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (counting != null) {
      counting.interrupt();
    }
    bar.close();
  }

  /**
   * Draws each refresh over the last on one line of stderr: a carriage return, the text, and what
   * erases the rest of the line: on a terminal its erase-to-end escape (which also takes an echoed
   * {@code ^C}), elsewhere spaces over what a longer line before left, so a file or a pipe given
   * {@code --progress} holds plain text.
   */
  private static final class StderrLine implements ProgressBarConsumer {
    private static final String ERASE_TO_END = "\u001b[K";

    private final PrintStream err;
    private final int width;
    private final boolean terminal;
    private int shown;

    StderrLine(PrintStream err, int width, boolean terminal) {
      this.err = err;
      this.width = Math.max(1, width);
      this.terminal = terminal;
    }

    @Override
    public int getMaxRenderedLength() {
      return width;
    }

    @Override
    public void accept(String line) {
      String text = line.length() > width ? line.substring(0, width) : line;
      String erase = terminal ? ERASE_TO_END : " ".repeat(Math.max(0, shown - text.length()));
      err.print('\r' + text + erase);
      err.flush();
      shown = text.length();
    }

    @Override
    public void clear() {
      err.print(terminal ? "\r" + ERASE_TO_END : '\r' + " ".repeat(shown) + '\r');
      err.flush();
      shown = 0;
    }

    @Override
    public void close() {
      err.flush();
    }
  }
}
