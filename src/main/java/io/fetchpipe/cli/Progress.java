package io.fetchpipe.cli;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/** The optional progress bar on stderr (the input's length is unknown: it is read lazily). */
final class Progress implements AutoCloseable {
  private final ProgressBar bar;

  private Progress(ProgressBar bar) {
    this.bar = bar;
  }

  static Progress on(PrintStream err, boolean enabled) {
    if (!enabled) {
      return new Progress(null);
    }
    return new Progress(new ProgressBarBuilder()
        .setTaskName("fetch")
        .setInitialMax(-1)
        .setUpdateIntervalMillis(200)
        .setConsumer(new ConsoleProgressBarConsumer(err))
        .setUnit(" URLs", 1)
        .build());
  }

  void step() {
    if (bar != null) {
      bar.step();
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
