package io.fetchpipe.cli;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/** Counts written results for the summary and the exit status; thread-safe. */
final class RunStats {
  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong writtenNow = new AtomicLong();
  private final long startNanos = System.nanoTime();

  /** A line of this run was written. */
  void record(boolean lineOk) {
    (lineOk ? ok : failed).incrementAndGet();
    writtenNow.incrementAndGet();
  }

  /** Adds results already in the output file (resume). */
  void addEarlier(long earlierOk, long earlierFailed) {
    ok.addAndGet(earlierOk);
    failed.addAndGet(earlierFailed);
  }

  long ok() {
    return ok.get();
  }

  long failed() {
    return failed.get();
  }

  /** Lines written by this run (not those found in the file with --resume). */
  long writtenNow() {
    return writtenNow.get();
  }

  long total() {
    return ok.get() + failed.get();
  }

  /** e.g. {@code fetchpipe: 18 ok, 2 failed in 1.23 s (16.3 req/s)}. */
  String summary() {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    double rate = seconds > 0 ? writtenNow.get() / seconds : 0;
    return String.format(Locale.ROOT, "fetchpipe: %d ok, %d failed in %.2f s (%.1f req/s)",
        ok.get(), failed.get(), seconds, rate);
  }
}
