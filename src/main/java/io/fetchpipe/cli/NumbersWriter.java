package io.fetchpipe.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a run's figures where {@code --stats} and {@code --report} say, from one snapshot. */
final class NumbersWriter {
  private final Console console;
  private final NumbersOptions options;

  NumbersWriter(Console console, NumbersOptions options) {
    this.console = console;
    this.options = options;
  }

  /** Writes what was asked for; a file that cannot be written is one line on stderr and false. */
  boolean write(StatsSnapshot snapshot) {
    boolean written = true;
    if (options.statsToStderr()) {
      console.err().println(snapshot.toJson());
    } else if (options.stats() != null) {
      written = write("--stats", options.stats(), snapshot.toJson() + "\n");
    }
    if (options.report() != null) {
      written &= write("--report", options.report(), HtmlReport.render(snapshot));
    }
    return written;
  }

  private boolean write(String option, Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
      return true;
    } catch (IOException e) {
      console.error("cannot write " + option + " " + file + ": " + Inputs.reason(e));
      return false;
    }
  }
}
