package io.fetchpipe.cli;

import java.util.List;

/**
 * {@code --report}: one self-contained HTML page of a run, readable in any browser without a script
 * or the network: the summary figures, a latency histogram, the lines finished per second (ok and
 * failed), the lines by status and error kind, and the slowest and most failing hosts. Every figure
 * comes from the same {@link StatsSnapshot} as {@code --stats}, printed the same way, and carries a
 * {@code data-stat} (or {@code data-status}, {@code data-error}, {@code data-host}) attribute
 * naming the figure it shows.
 */
final class HtmlReport {
  private static final String STYLE =
      """
      body { font: 14px/1.45 system-ui, sans-serif; color: #222; margin: 24px auto; max-width: 800px; padding: 0 16px; }
      h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
      p.line { font-family: ui-monospace, monospace; font-size: 12.5px; background: #f4f4f4; padding: 6px 8px; }
      table { border-collapse: collapse; } td, th { padding: 3px 10px 3px 0; text-align: left; vertical-align: top; }
      td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
      table.figures { display: inline-table; margin-right: 36px; }
      table.hosts td, table.hosts th { border-bottom: 1px solid #eee; }
      svg { display: block; margin: 6px 0; } svg text { font: 11px system-ui, sans-serif; fill: #333; }
      .note { color: #666; font-size: 12.5px; }
      """;

  private HtmlReport() {}

  /** The page. */
  static String render(StatsSnapshot stats) {
    StringBuilder page = new StringBuilder(16 * 1024);
    page.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>fetchpipe report</title>\n<style>\n")
        .append(STYLE)
        .append("</style>\n</head>\n<body>\n")
        .append("<h1>fetchpipe report</h1>\n<p class=\"line\">")
        .append(Svg.escape(stats.summaryLine()))
        .append("</p>\n");
    summary(page, stats);
    page.append("<h2 id=\"latency\">Latency of the lines with a response</h2>\n")
        .append(ReportCharts.latency(stats))
        .append('\n');
    page.append("<h2 id=\"per-second\">Requests finished per second</h2>\n")
        .append(ReportCharts.perSecond(stats))
        .append('\n')
        .append("<p class=\"note\">Green: ok lines; red: error lines.</p>\n");
    page.append("<h2 id=\"outcomes\">Outcomes by status and error kind</h2>\n")
        .append(ReportCharts.outcomes(stats))
        .append('\n');
    outcomeTable(page, stats);
    hosts(
        page,
        "slowest",
        "The " + RunStats.TOP_OF_REPORT + " slowest hosts (by median latency)",
        stats.slowest());
    hosts(
        page, "failing", "The " + RunStats.TOP_OF_REPORT + " most failing hosts", stats.failing());
    if (stats.hostsDropped() > 0) {
      page.append(
              "<p class=\"note\">More hosts than the report counts one by one: hosts that never had more than ")
          .append(stats.hostsDropped())
          .append(
              " lines while others were counted may be missing from these lists or counted short.</p>\n");
    }
    return page.append("</body>\n</html>\n").toString();
  }

  private static void summary(StringBuilder page, StatsSnapshot stats) {
    page.append("<h2 id=\"summary\">Summary</h2>\n<table class=\"figures\">\n");
    figure(page, "total", "lines", String.valueOf(stats.total()));
    figure(page, "ok", "ok", String.valueOf(stats.ok()));
    figure(page, "failed", "failed", String.valueOf(stats.failed()));
    figure(page, "wall_s", "wall time (s)", StatsSnapshot.decimals(stats.wallSeconds(), 2));
    figure(
        page, "rate_per_s", "lines per second", StatsSnapshot.decimals(stats.ratePerSecond(), 1));
    figure(page, "attempts", "attempts", String.valueOf(stats.attempts()));
    figure(page, "retries", "retries", String.valueOf(stats.retries()));
    figure(page, "bytes", "body bytes", String.valueOf(stats.bytes()));
    page.append("</table>\n<table class=\"figures\">\n");
    StatsSnapshot.Latency latency = stats.latency();
    figure(page, "latency.count", "lines with a response", String.valueOf(latency.count()));
    for (String name : List.of("min", "p50", "p90", "p95", "p99", "max", "mean")) {
      figure(
          page,
          "latency." + name,
          name + " (ms)",
          StatsSnapshot.decimals(latencyOf(latency, name), 1));
    }
    page.append("</table>\n");
  }

  private static double latencyOf(StatsSnapshot.Latency latency, String name) {
    return switch (name) {
      case "min" -> latency.min();
      case "p50" -> latency.p50();
      case "p90" -> latency.p90();
      case "p95" -> latency.p95();
      case "p99" -> latency.p99();
      case "max" -> latency.max();
      default -> latency.mean();
    };
  }

  private static void figure(StringBuilder page, String key, String label, String value) {
    page.append("<tr><th>")
        .append(label)
        .append("</th><td class=\"n\" data-stat=\"")
        .append(key)
        .append("\">")
        .append(value)
        .append("</td></tr>\n");
  }

  private static void outcomeTable(StringBuilder page, StatsSnapshot stats) {
    page.append("<table>\n<tr><th>status or error</th><th class=\"n\">lines</th></tr>\n");
    stats
        .statuses()
        .forEach(
            (status, count) ->
                page.append("<tr data-status=\"")
                    .append(status)
                    .append("\"><td>")
                    .append(status)
                    .append("</td><td class=\"n\">")
                    .append(count)
                    .append("</td></tr>\n"));
    stats
        .errors()
        .forEach(
            (kind, count) ->
                page.append("<tr data-error=\"")
                    .append(Svg.escape(kind))
                    .append("\"><td>")
                    .append(Svg.escape(kind))
                    .append("</td><td class=\"n\">")
                    .append(count)
                    .append("</td></tr>\n"));
    page.append("</table>\n");
  }

  private static void hosts(
      StringBuilder page, String id, String title, List<StatsSnapshot.HostRow> rows) {
    page.append("<h2 id=\"").append(id).append("\">").append(title).append("</h2>\n");
    if (rows.isEmpty()) {
      page.append("<p class=\"note\">None.</p>\n");
      return;
    }
    page.append("<table class=\"hosts\" data-hosts=\"")
        .append(id)
        .append("\">\n<tr><th>host</th>")
        .append("<th class=\"n\">requests</th><th class=\"n\">ok</th><th class=\"n\">failed</th>")
        .append("<th class=\"n\">p50 (ms)</th><th class=\"n\">p99 (ms)</th></tr>\n");
    for (StatsSnapshot.HostRow row : rows) {
      String p50 = row.responses() > 0 ? StatsSnapshot.decimals(row.p50(), 1) : "";
      String p99 = row.responses() > 0 ? StatsSnapshot.decimals(row.p99(), 1) : "";
      page.append("<tr data-host=\"")
          .append(Svg.escape(row.host()))
          .append("\"><td>")
          .append(Svg.escape(row.host()))
          .append("</td><td class=\"n\">")
          .append(row.requests())
          .append("</td><td class=\"n\">")
          .append(row.ok())
          .append("</td><td class=\"n\">")
          .append(row.failed())
          .append("</td><td class=\"n\">")
          .append(p50)
          .append("</td><td class=\"n\">")
          .append(p99)
          .append("</td></tr>\n");
    }
    page.append("</table>\n");
  }
}
