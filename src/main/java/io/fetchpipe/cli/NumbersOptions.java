package io.fetchpipe.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a fetch run's figures go: {@code --stats} (a file, or standard error), {@code --report} (an
 * HTML file) and {@code --metrics} (an address to serve them at while it runs).
 *
 * @param stats the stats file, or null for standard error when {@code statsToStderr}, or for none
 * @param statsToStderr whether {@code --stats -} was given
 * @param report the report file, or null for none
 * @param metrics where to serve metrics, or null for nowhere
 */
record NumbersOptions(Path stats, boolean statsToStderr, Path report, HostPort metrics) {
  /**
   * Checks the files can be written (their directory exists, they are no directory) before anything
   * is fetched.
   */
  static NumbersOptions checked(String stats, Path report, HostPort metrics) {
    boolean toStderr = "-".equals(stats);
    Path statsFile = stats == null || toStderr ? null : Path.of(stats);
    checkWritable("--stats", statsFile);
    checkWritable("--report", report);
    return new NumbersOptions(statsFile, toStderr, report, metrics);
  }

  private static void checkWritable(String option, Path file) {
    if (file == null) {
      return;
    }
    Path parent = file.toAbsolutePath().getParent();
    if (Files.isDirectory(file)) {
      throw new UsageException("cannot write " + option + " " + file + ": it is a directory");
    }
    if (parent == null
        || !Files.isDirectory(parent)
        || !Files.isWritable(parent)
        || (Files.exists(file) && !Files.isWritable(file))) {
      throw new UsageException(
          "cannot write "
              + option
              + " "
              + file
              + ": "
              + (parent != null && Files.isDirectory(parent)
                  ? "permission denied"
                  : "no such directory"));
    }
  }

  /** Whether the run's figures go anywhere at the end. */
  boolean any() {
    return stats != null || statsToStderr || report != null;
  }
}
