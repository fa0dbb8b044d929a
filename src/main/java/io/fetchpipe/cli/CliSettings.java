package io.fetchpipe.cli;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Settings of the command line's batch path, from {@code fetchpipe.cli}.
 *
 * @param reorderWindow results that may wait for a slow earlier one in input order
 * @param flushLines most lines per write
 * @param flushInterval longest a finished result waits before it is written
 * @param shutdownGrace how long requests in flight may finish after SIGINT/SIGTERM
 * @param statsHosts most hosts whose lines {@code --stats} and {@code --report} count at a time
 */
record CliSettings(int reorderWindow, int flushLines, Duration flushInterval, Duration shutdownGrace,
    int statsHosts) {
  static CliSettings create(Config root) {
    Config c = root.getConfig("fetchpipe.cli");
    return new CliSettings(
        c.getInt("reorder-window"),
        c.getInt("flush-lines"),
        c.getDuration("flush-interval"),
        c.getDuration("shutdown-grace"),
        c.getInt("stats-hosts"));
  }
}
