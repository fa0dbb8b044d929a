package io.fetchpipe.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The report's charts, drawn as inline SVG from a {@link StatsSnapshot}. */
final class ReportCharts {
  static final String OK = "#2e8b57";
  static final String FAILED = "#c0392b";
  private static final int WIDTH = 760;
  private static final int HEIGHT = 260;
  private static final int LEFT = 56;
  private static final int RIGHT = 16;
  private static final int TOP = 28;
  private static final int BOTTOM = 40;

  /** Most bars of the per-second chart; a longer run is drawn in groups of seconds. */
  private static final int MAX_BARS = 240;

  private static final double[] STEPS = {1, 2, 5};
  private static final long[] AXIS_STEPS = {1, 2, 4, 8};

  private ReportCharts() {}

  /**
   * The latency histogram: lines per latency band on a logarithmic axis (bands 1-2-5 per decade),
   * with the median, p90 and p99 marked.
   */
  static String latency(StatsSnapshot stats) {
    StatsSnapshot.Latency latency = stats.latency();
    Svg svg =
        new Svg(
            WIDTH, HEIGHT, "Latency histogram of " + latency.count() + " lines with a response");
    if (latency.count() == 0) {
      return svg.text(WIDTH / 2.0, HEIGHT / 2.0, "middle", "no line had a response").end();
    }
    List<Double> edges = edges(Math.max(0.1, latency.min()), Math.max(0.1, latency.max()));
    long[] counts = new long[edges.size() - 1];
    for (StatsSnapshot.Bucket bucket : stats.buckets()) {
      counts[band(edges, Math.max(0.1, bucket.millis()))] += bucket.count();
    }
    long highest = 0;
    for (long count : counts) {
      highest = Math.max(highest, count);
    }
    double low = Math.log10(edges.get(0));
    double span = Math.log10(edges.get(edges.size() - 1)) - low;
    double plotWidth = WIDTH - LEFT - RIGHT;
    double plotHeight = HEIGHT - TOP - BOTTOM;
    yAxis(svg, highest, "lines");
    for (int i = 0; i < counts.length; i++) {
      double x0 = LEFT + (Math.log10(edges.get(i)) - low) / span * plotWidth;
      double x1 = LEFT + (Math.log10(edges.get(i + 1)) - low) / span * plotWidth;
      double h = highest == 0 ? 0 : counts[i] * plotHeight / highest;
      svg.rect(
          x0 + 1,
          TOP + plotHeight - h,
          x1 - x0 - 2,
          h,
          "#4a78b5",
          counts[i] + " lines from " + millis(edges.get(i)) + " to " + millis(edges.get(i + 1)));
    }
    for (int i = 0; i < edges.size(); i++) {
      double x = LEFT + (Math.log10(edges.get(i)) - low) / span * plotWidth;
      svg.text(x, HEIGHT - BOTTOM + 16, "middle", millis(edges.get(i)));
    }
    svg.text(LEFT + plotWidth / 2, HEIGHT - 6, "middle", "latency (logarithmic)");
    for (Map.Entry<String, Double> mark :
        Map.of("p50", latency.p50(), "p90", latency.p90(), "p99", latency.p99()).entrySet()) {
      double x = LEFT + (Math.log10(Math.max(0.1, mark.getValue())) - low) / span * plotWidth;
      svg.line(x, TOP, x, TOP + plotHeight, "#333", "4 3");
      svg.text(
          x + 3,
          TOP + 10 + 12 * List.of("p50", "p90", "p99").indexOf(mark.getKey()),
          "start",
          mark.getKey() + " " + millis(mark.getValue()));
    }
    return svg.end();
  }

  /** Lines finished per second of the run, ok and failed stacked. */
  static String perSecond(StatsSnapshot stats) {
    List<StatsSnapshot.Second> seconds = stats.perSecond();
    Svg svg = new Svg(WIDTH, HEIGHT, "Requests finished per second over the run, ok and failed");
    if (seconds.isEmpty()) {
      return svg.text(WIDTH / 2.0, HEIGHT / 2.0, "middle", "no line finished in this run").end();
    }
    int group = (seconds.size() + MAX_BARS - 1) / MAX_BARS;
    int bars = (seconds.size() + group - 1) / group;
    double[] ok = new double[bars];
    double[] failed = new double[bars];
    for (StatsSnapshot.Second second : seconds) {
      ok[second.t() / group] += second.ok() / (double) group;
      failed[second.t() / group] += second.failed() / (double) group;
    }
    double highest = 0;
    for (int i = 0; i < bars; i++) {
      highest = Math.max(highest, ok[i] + failed[i]);
    }
    double plotWidth = WIDTH - LEFT - RIGHT;
    double plotHeight = HEIGHT - TOP - BOTTOM;
    long top = yAxis(svg, (long) Math.ceil(highest), "per second");
    double barWidth = plotWidth / bars;
    for (int i = 0; i < bars; i++) {
      double hOk = top == 0 ? 0 : ok[i] * plotHeight / top;
      double hFailed = top == 0 ? 0 : failed[i] * plotHeight / top;
      String when =
          group == 1 ? "second " + i : "seconds " + (i * group) + "-" + ((i + 1) * group - 1);
      svg.rect(
          LEFT + i * barWidth,
          TOP + plotHeight - hOk,
          Math.max(1, barWidth - 1),
          hOk,
          OK,
          when + ": " + rate(ok[i]) + " ok/s");
      svg.rect(
          LEFT + i * barWidth,
          TOP + plotHeight - hOk - hFailed,
          Math.max(1, barWidth - 1),
          hFailed,
          FAILED,
          when + ": " + rate(failed[i]) + " failed/s");
    }
    int ticks = Math.min(bars, 6);
    for (int k = 0; k <= ticks; k++) {
      int bar = (int) Math.round((double) k * bars / ticks);
      svg.text(LEFT + bar * barWidth, HEIGHT - BOTTOM + 16, "middle", (bar * group) + " s");
    }
    svg.text(
        LEFT + plotWidth / 2,
        HEIGHT - 6,
        "middle",
        "time since the start" + (group > 1 ? " (each bar " + group + " s)" : ""));
    return svg.end();
  }

  /** Lines per status and per error kind, as horizontal bars. */
  static String outcomes(StatsSnapshot stats) {
    List<String> labels = new ArrayList<>();
    List<Long> counts = new ArrayList<>();
    List<String> colors = new ArrayList<>();
    stats
        .statuses()
        .forEach(
            (status, count) -> {
              labels.add("status " + status);
              counts.add(count);
              colors.add(statusColor(status));
            });
    stats
        .errors()
        .forEach(
            (kind, count) -> {
              labels.add(kind);
              counts.add(count);
              colors.add(FAILED);
            });
    int rowHeight = 22;
    int height = Math.max(1, labels.size()) * rowHeight + 12;
    Svg svg = new Svg(WIDTH, height, "Lines by status and by error kind");
    long highest = counts.stream().mapToLong(Long::longValue).max().orElse(0);
    int labelWidth = 180;
    double barSpace = WIDTH - labelWidth - 90;
    for (int i = 0; i < labels.size(); i++) {
      double y = 6 + i * rowHeight;
      double w = highest == 0 ? 0 : counts.get(i) * barSpace / highest;
      svg.text(labelWidth - 8, y + 15, "end", labels.get(i));
      svg.rect(
          labelWidth,
          y + 3,
          Math.max(1, w),
          rowHeight - 6,
          colors.get(i),
          labels.get(i) + ": " + counts.get(i));
      svg.text(labelWidth + w + 6, y + 15, "start", String.valueOf(counts.get(i)));
    }
    if (labels.isEmpty()) {
      svg.text(WIDTH / 2.0, 20, "middle", "no lines");
    }
    return svg.end();
  }

  private static String statusColor(int status) {
    if (status < 300) {
      return OK;
    }
    if (status < 400) {
      return "#3b7dd8";
    }
    return status < 500 ? "#e08e0b" : FAILED;
  }

  /** Draws the y axis from 0 to a round value at least {@code highest}; returns that value. */
  private static long yAxis(Svg svg, long highest, String unit) {
    long top = roundUp(Math.max(1, highest));
    double plotHeight = HEIGHT - TOP - BOTTOM;
    for (int k = 0; k <= 4; k++) {
      double y = TOP + plotHeight - k * plotHeight / 4;
      svg.line(LEFT, y, WIDTH - RIGHT, y, "#ddd", null);
      svg.text(LEFT - 6, y + 4, "end", trimmed(top * k / 4.0));
    }
    svg.text(4, TOP - 14, "start", unit);
    return top;
  }

  /**
   * The smallest of 1, 2, 4, 8 times a power of ten that is at least {@code value}: its quarters
   * are round too.
   */
  private static long roundUp(long value) {
    for (long decade = 1; ; decade *= 10) {
      for (long step : AXIS_STEPS) {
        if (step * decade >= value) {
          return step * decade;
        }
      }
    }
  }

  /**
   * Band edges of the 1-2-5 series (in ms) from the last at or below {@code min} to the first above
   * {@code max}.
   */
  private static List<Double> edges(double min, double max) {
    List<Double> edges = new ArrayList<>();
    double below = 0.1;
    for (double decade = 0.1; ; decade *= 10) {
      for (double step : STEPS) {
        double edge = Math.round(step * decade * 10) / 10.0;
        if (edge <= min) {
          below = edge;
          continue;
        }
        if (edges.isEmpty()) {
          edges.add(below);
        }
        edges.add(edge);
        if (edge > max) {
          return edges;
        }
      }
    }
  }

  private static int band(List<Double> edges, double millis) {
    for (int i = edges.size() - 2; i > 0; i--) {
      if (millis >= edges.get(i)) {
        return i;
      }
    }
    return 0;
  }

  static String millis(double value) {
    return value >= 1000 ? trimmed(value / 1000) + " s" : trimmed(value) + " ms";
  }

  private static String rate(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }

  private static String trimmed(double value) {
    String text = String.format(Locale.ROOT, "%.1f", value);
    return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
  }
}
