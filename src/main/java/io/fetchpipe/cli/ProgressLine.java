package io.fetchpipe.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The text of the progress bar, from a snapshot of the run, fitted to the terminal's width. With
 * the number of URLs known (a regular file, counted beside the run):
 *
 * <pre>fetch  42%  [=========>            ]  8400/20000  8350 ok  50 failed  152/s  0:55  ETA 1:16
 * </pre>
 *
 * <p>without it (a pipe, standard input, or while the file is still being counted):
 *
 * <pre>fetch  8400 done  8350 ok  50 failed  152/s  0:55</pre>
 *
 * <p>ASCII only, whatever the terminal's encoding. When the width is short, the bar goes first,
 * then the time so far, the time left, the rate; the counts stay (cut at the width, at worst).
 */
final class ProgressLine {
  /** The narrowest bar worth drawing (inside its brackets). */
  static final int MIN_BAR = 10;

  /** The widest bar drawn (inside its brackets). */
  static final int MAX_BAR = 40;

  private static final String GAP = "  ";

  private ProgressLine() {}

  /**
   * What the bar shows at one moment.
   *
   * @param ok lines written that are ok (results already in the file included, with --resume)
   * @param failed lines written that are errors (likewise)
   * @param total URLs in the input, or -1 while unknown
   * @param elapsed time since the run started
   * @param perSecond lines written per second lately, or NaN while unknown
   */
  record Snapshot(long ok, long failed, long total, Duration elapsed, double perSecond) {
    /** Lines written so far. */
    long done() {
      return ok + failed;
    }

    /**
     * The total, never below what is done (a file that grew, or was miscounted, still reads right).
     */
    long effectiveTotal() {
      return Math.max(total, done());
    }

    boolean totalKnown() {
      return total >= 0;
    }

    boolean rateKnown() {
      return !Double.isNaN(perSecond) && !Double.isInfinite(perSecond) && perSecond >= 0;
    }
  }

  /** The line for {@code snapshot}, at most {@code width} characters long. */
  static String render(Snapshot snapshot, int width) {
    List<String> counts = new ArrayList<>();
    String head = "fetch";
    if (snapshot.totalKnown()) {
      head += String.format(Locale.ROOT, " %3d%%", percent(snapshot));
    }
    counts.add(head);
    counts.add(
        snapshot.totalKnown()
            ? snapshot.done() + "/" + snapshot.effectiveTotal()
            : snapshot.done() + " done");
    counts.add(snapshot.ok() + " ok");
    counts.add(snapshot.failed() + " failed");
    String rate = snapshot.rateKnown() ? rate(snapshot.perSecond()) : null;
    String elapsed = clock(snapshot.elapsed());
    String eta = eta(snapshot);

    // Widest first: everything and a bar; then without the bar, the time so far, the time left, the
    // rate.
    if (snapshot.totalKnown()) {
      String withoutBar = join(counts, rate, elapsed, eta);
      int room = width - withoutBar.length() - GAP.length() - 2;
      if (room >= MIN_BAR) {
        List<String> withBar = new ArrayList<>(counts);
        withBar.add(1, bar(snapshot, Math.min(room, MAX_BAR)));
        return join(withBar, rate, elapsed, eta);
      }
    }
    List<String> narrower =
        List.of(
            join(counts, rate, elapsed, eta),
            join(counts, rate, null, eta),
            join(counts, rate, null, null));
    for (String line : narrower) {
      if (line.length() <= width) {
        return line;
      }
    }
    String bare = join(counts, null, null, null);
    return bare.length() <= width ? bare : bare.substring(0, Math.max(0, width));
  }

  private static String join(List<String> counts, String rate, String elapsed, String eta) {
    List<String> all = new ArrayList<>(counts);
    for (String part : new String[] {rate, elapsed, eta}) {
      if (part != null) {
        all.add(part);
      }
    }
    return String.join(GAP, all);
  }

  static int percent(Snapshot snapshot) {
    long total = snapshot.effectiveTotal();
    return total == 0 ? 100 : (int) (snapshot.done() * 100 / total);
  }

  /** {@code [=====> ]} with {@code inner} characters between the brackets. */
  static String bar(Snapshot snapshot, int inner) {
    long total = snapshot.effectiveTotal();
    int filled = total == 0 ? inner : (int) (snapshot.done() * inner / total);
    StringBuilder bar = new StringBuilder(inner + 2).append('[');
    bar.append("=".repeat(filled));
    if (filled < inner) {
      bar.append('>').append(" ".repeat(inner - filled - 1));
    }
    return bar.append(']').toString();
  }

  /** e.g. {@code 7.4/s}, {@code 152/s}. */
  static String rate(double perSecond) {
    return perSecond < 10
        ? String.format(Locale.ROOT, "%.1f/s", perSecond)
        : String.format(Locale.ROOT, "%.0f/s", perSecond);
  }

  /** The time left ({@code ETA 1:16}) when the total and a rate above zero are known, else null. */
  private static String eta(Snapshot snapshot) {
    if (!snapshot.totalKnown() || !snapshot.rateKnown() || snapshot.perSecond() <= 0) {
      return null;
    }
    long left = snapshot.effectiveTotal() - snapshot.done();
    if (left == 0) {
      return null;
    }
    return "ETA " + clock(Duration.ofSeconds((long) Math.ceil(left / snapshot.perSecond())));
  }

  /** {@code m:ss}, or {@code h:mm:ss} from an hour on. */
  static String clock(Duration duration) {
    long seconds = Math.max(0, duration.getSeconds());
    long hours = seconds / 3600;
    long minutes = seconds % 3600 / 60;
    long rest = seconds % 60;
    return hours > 0
        ? String.format(Locale.ROOT, "%d:%02d:%02d", hours, minutes, rest)
        : String.format(Locale.ROOT, "%d:%02d", minutes, rest);
  }
}
