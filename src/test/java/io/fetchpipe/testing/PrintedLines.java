package io.fetchpipe.testing;

import io.fetchpipe.testkit.VirtualTime;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A {@link PrintStream} for code that prints (an example in the docs), keeping each line it prints
 * and when: the time a clock (virtual time's {@code now}) read as the line ended.
 */
public final class PrintedLines {
  /** A line as printed, and when. */
  public record Line(Duration at, String text) {}

  private final List<Line> lines = new CopyOnWriteArrayList<>();
  private final PrintStream out;

  /** Lines stamped by {@code clock}. */
  public PrintedLines(Supplier<Duration> clock) {
    out = new PrintStream(new LineCollector(clock), true, StandardCharsets.UTF_8);
  }

  /** Lines stamped with the virtual time passed since now. */
  public static PrintedLines since(VirtualTime time) {
    Duration start = time.now();
    return new PrintedLines(() -> time.now().minus(start));
  }

  /** Where the code prints. */
  public PrintStream out() {
    return out;
  }

  /** The lines printed so far, without their line ends. */
  public List<String> texts() {
    return lines.stream().map(Line::text).toList();
  }

  /** When each line printed so far was printed. */
  public List<Duration> instants() {
    return lines.stream().map(Line::at).toList();
  }

  /** How many lines have been printed. */
  public int count() {
    return lines.size();
  }

  // PrintStream writes under its own lock, so one line's bytes never mix with another's.
  private final class LineCollector extends OutputStream {
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final Supplier<Duration> clock;

    LineCollector(Supplier<Duration> clock) {
      this.clock = clock;
    }

    @Override
    public void write(int b) {
      if (b == '\n') {
        lines.add(new Line(clock.get(), line.toString(StandardCharsets.UTF_8)));
        line.reset();
      } else {
        line.write(b);
      }
    }
  }
}
