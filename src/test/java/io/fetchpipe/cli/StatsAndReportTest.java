package io.fetchpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fetchpipe.testing.WithEmbeddedServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fetch --stats} and {@code --report} in-process against the embedded server, whose {@code
 * /delay/{s}} answers after a known time: every figure is checked against the output lines
 * themselves (counts exactly, percentiles within 1 % plus the lines' 0.1 ms resolution), the
 * summary line against {@code --stats}, and the report, read by an HTML5 parser, against both.
 */
class StatsAndReportTest extends WithEmbeddedServer {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> KEYS =
      List.of(
          "total",
          "ok",
          "failed",
          "wall_s",
          "rate_per_s",
          "status",
          "errors",
          "attempts",
          "retries",
          "bytes",
          "latency_ms",
          "per_second",
          "hosts");
  private static final List<String> LATENCY_KEYS =
      List.of("count", "min", "p50", "p90", "p95", "p99", "max", "mean");
  private static final Pattern SVG = Pattern.compile("<svg.*?</svg>", Pattern.DOTALL);

  @TempDir Path dir;

  /** What one run printed and returned. */
  private record Run(int exit, String out, String err) {}

  private static Run cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        Main.run(
            args,
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /**
   * Six URLs answered after 200 ms, four after 400 ms, statuses 404 and 503, a refused port, an
   * invalid URL.
   */
  private Path knownDelays() throws Exception {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      urls.add(url("/delay/0.2"));
    }
    for (int i = 0; i < 4; i++) {
      urls.add(url("/delay/0.4"));
    }
    urls.addAll(
        List.of(
            url("/status/404"),
            url("/status/503"),
            url("/bytes/100"),
            "http://127.0.0.1:1/refused",
            "htp://not-fetched"));
    return Files.write(dir.resolve("urls.txt"), urls);
  }

  private static List<JsonNode> lines(Path file) throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** The nearest-rank percentile of sorted values: what an exact computation gives. */
  private static double exactPercentile(List<Double> sorted, double percentile) {
    int rank = (int) Math.ceil(percentile / 100 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  private static void assertWithinOnePercent(double exact, double reported, String what) {
    assertTrue(
        Math.abs(reported - exact) <= exact * 0.01 + 0.1,
        what + ": reported " + reported + ", the lines say " + exact);
  }

  @Test
  void statsCountTheLinesExactlyAndTheirPercentilesWithinOnePercent() throws Exception {
    Path out = dir.resolve("out.jsonl");
    Path statsFile = dir.resolve("stats.json");
    Run run =
        cli(
            "fetch",
            "-c",
            "16",
            "-o",
            out.toString(),
            "--stats",
            statsFile.toString(),
            knownDelays().toString());
    assertEquals(ExitCodes.ERRORS, run.exit(), run.err());
    List<JsonNode> lines = lines(out);
    assertEquals(15, lines.size());
    JsonNode stats = JSON.readTree(Files.readString(statsFile));

    assertEquals(KEYS, fieldNames(stats), "keys in the contract's order");
    assertEquals(LATENCY_KEYS, fieldNames(stats.get("latency_ms")));
    assertEquals(List.of("t", "ok", "failed"), fieldNames(stats.get("per_second").get(0)));
    assertEquals(
        List.of("host", "requests", "ok", "failed", "p50", "p99"),
        fieldNames(stats.get("hosts").get(0)));

    Map<String, Integer> statuses = new TreeMap<>();
    Map<String, Integer> errors = new TreeMap<>();
    List<Double> latencies = new ArrayList<>();
    long attempts = 0;
    long retries = 0;
    long bytes = 0;
    int ok = 0;
    for (JsonNode line : lines) {
      if (line.has("status")) {
        statuses.merge(line.get("status").asText(), 1, Integer::sum);
        latencies.add(line.get("elapsed_ms").asDouble());
      }
      if (line.get("ok").asBoolean()) {
        ok++;
        bytes += line.get("bytes").asLong();
      } else {
        errors.merge(line.get("error").get("kind").asText(), 1, Integer::sum);
      }
      attempts += line.get("attempts").asInt();
      retries += Math.max(0, line.get("attempts").asInt() - 1);
    }
    assertEquals(Map.of("200", 11, "404", 1, "503", 1), statuses);
    assertEquals(Map.of("connect", 1, "invalid-url", 1), errors);
    assertEquals(15, stats.get("total").asInt());
    assertEquals(ok, stats.get("ok").asInt());
    assertEquals(15 - ok, stats.get("failed").asInt());
    assertEquals(statuses, JSON.convertValue(stats.get("status"), TreeMap.class));
    assertEquals(errors, JSON.convertValue(stats.get("errors"), TreeMap.class));
    assertEquals(attempts, stats.get("attempts").asLong());
    assertEquals(retries, stats.get("retries").asLong());
    assertEquals(bytes, stats.get("bytes").asLong());
    assertTrue(bytes >= 100, "the /bytes/100 body is counted: " + bytes);

    Collections.sort(latencies);
    JsonNode latency = stats.get("latency_ms");
    assertEquals(latencies.size(), latency.get("count").asInt());
    assertEquals(latencies.get(0), latency.get("min").asDouble(), 1e-9);
    assertEquals(latencies.get(latencies.size() - 1), latency.get("max").asDouble(), 1e-9);
    assertEquals(
        latencies.stream().mapToDouble(Double::doubleValue).average().orElseThrow(),
        latency.get("mean").asDouble(),
        0.051);
    for (int p : List.of(50, 90, 95, 99)) {
      assertWithinOnePercent(
          exactPercentile(latencies, p), latency.get("p" + p).asDouble(), "p" + p);
    }
    assertTrue(
        latency.get("p50").asDouble() >= 200,
        "half the responses took at least 200 ms: " + latency);
    assertTrue(
        latency.get("max").asDouble() >= 400, "the slowest took at least 400 ms: " + latency);

    long perSecondOk = 0;
    long perSecondFailed = 0;
    for (JsonNode second : stats.get("per_second")) {
      perSecondOk += second.get("ok").asLong();
      perSecondFailed += second.get("failed").asLong();
    }
    assertEquals(ok, perSecondOk, "every line finished in some second");
    assertEquals(15 - ok, perSecondFailed);

    JsonNode busiest = stats.get("hosts").get(0);
    assertEquals(server.address(), busiest.get("host").asText());
    assertEquals(
        13,
        busiest.get("requests").asInt(),
        "every URL of the server; the invalid one has no host");
    assertEquals(13, busiest.get("ok").asInt());
    assertEquals(latencies.size() > 0, busiest.get("p50").asDouble() >= 200);
    JsonNode refused = stats.get("hosts").get(1);
    assertEquals("http://127.0.0.1:1", refused.get("host").asText());
    assertEquals(1, refused.get("failed").asInt());
    assertTrue(refused.get("p50").isNull(), "no response, no latency: " + refused);
  }

  @Test
  void theSummaryLineCarriesThePercentilesOfStats() throws Exception {
    Run run =
        cli(
            "fetch",
            "-c",
            "16",
            "-o",
            dir.resolve("out.jsonl").toString(),
            "--stats",
            "-",
            knownDelays().toString());
    List<String> err = run.err().lines().toList();
    assertEquals(2, err.size(), "the stats object and the summary: " + err);
    JsonNode stats = JSON.readTree(err.get(0));
    Matcher summary =
        Pattern.compile(
                "fetchpipe: (\\d+) ok, (\\d+) failed in ([0-9.]+) s \\(([0-9.]+) req/s\\); "
                    + "p50 ([0-9.]+) ms, p90 ([0-9.]+) ms, p99 ([0-9.]+) ms, max ([0-9.]+) ms")
            .matcher(err.get(1));
    assertTrue(summary.matches(), err.get(1));
    assertEquals(stats.get("ok").asText(), summary.group(1));
    assertEquals(stats.get("failed").asText(), summary.group(2));
    assertEquals(stats.get("wall_s").asDouble(), Double.parseDouble(summary.group(3)));
    assertEquals(stats.get("rate_per_s").asDouble(), Double.parseDouble(summary.group(4)));
    JsonNode latency = stats.get("latency_ms");
    assertEquals(latency.get("p50").asDouble(), Double.parseDouble(summary.group(5)));
    assertEquals(latency.get("p90").asDouble(), Double.parseDouble(summary.group(6)));
    assertEquals(latency.get("p99").asDouble(), Double.parseDouble(summary.group(7)));
    assertEquals(latency.get("max").asDouble(), Double.parseDouble(summary.group(8)));
  }

  @Test
  void theReportIsOneSelfContainedPageWhoseFiguresAreThoseOfStats() throws Exception {
    Path statsFile = dir.resolve("stats.json");
    Path reportFile = dir.resolve("report.html");
    Run run =
        cli(
            "fetch",
            "-c",
            "16",
            "-q",
            "-o",
            dir.resolve("out.jsonl").toString(),
            "--stats",
            statsFile.toString(),
            "--report",
            reportFile.toString(),
            knownDelays().toString());
    assertEquals("", run.err());
    JsonNode stats = JSON.readTree(Files.readString(statsFile));
    String html = Files.readString(reportFile);
    Document page = Jsoup.parse(html);

    assertTrue(
        page.select("script, link, img, iframe, object, embed, [src], [href]").isEmpty(),
        "no script, nothing fetched to view it");
    for (String figure :
        List.of("total", "ok", "failed", "wall_s", "rate_per_s", "attempts", "retries", "bytes")) {
      assertEquals(
          stats.get(figure).asDouble(), number(page, "[data-stat=\"" + figure + "\"]"), figure);
    }
    for (String figure : LATENCY_KEYS) {
      assertEquals(
          stats.get("latency_ms").get(figure).asDouble(),
          number(page, "[data-stat=\"latency." + figure + "\"]"),
          "latency " + figure);
    }
    stats
        .get("status")
        .fields()
        .forEachRemaining(
            status ->
                assertEquals(
                    status.getValue().asDouble(),
                    number(page, "tr[data-status=\"" + status.getKey() + "\"] td.n"),
                    "status " + status.getKey()));
    stats
        .get("errors")
        .fields()
        .forEachRemaining(
            error ->
                assertEquals(
                    error.getValue().asDouble(),
                    number(page, "tr[data-error=\"" + error.getKey() + "\"] td.n"),
                    "error " + error.getKey()));
    assertEquals(
        stats.get("status").size() + stats.get("errors").size(),
        page.select("tr[data-status], tr[data-error]").size());

    Element failing =
        page.selectFirst("table[data-hosts=failing] tr[data-host=\"http://127.0.0.1:1\"]");
    assertTrue(failing != null, "the refused host is among the most failing");
    assertEquals(List.of("http://127.0.0.1:1", "1", "0", "1", "", ""), cells(failing));
    Element slowest = page.selectFirst("table[data-hosts=slowest] tr[data-host]");
    JsonNode busiest = stats.get("hosts").get(0);
    assertEquals(
        busiest.get("host").asText(), slowest.attr("data-host"), "the one host with responses");
    assertEquals(
        List.of(
            busiest.get("host").asText(),
            busiest.get("requests").asText(),
            busiest.get("ok").asText(),
            busiest.get("failed").asText(),
            busiest.get("p50").asText(),
            busiest.get("p99").asText()),
        cells(slowest));

    Matcher svgs = SVG.matcher(html);
    int charts = 0;
    DocumentBuilderFactory xml = DocumentBuilderFactory.newInstance();
    xml.setNamespaceAware(true);
    while (svgs.find()) {
      org.w3c.dom.Document svg =
          xml.newDocumentBuilder()
              .parse(new ByteArrayInputStream(svgs.group().getBytes(StandardCharsets.UTF_8)));
      assertEquals("http://www.w3.org/2000/svg", svg.getDocumentElement().getNamespaceURI());
      assertTrue(
          svg.getElementsByTagNameNS("*", "rect").getLength() > 0,
          "a chart with bars: " + svgs.group());
      charts++;
    }
    assertEquals(3, charts, "latency histogram, per second, outcomes");
    assertEquals(3, page.select("svg").size(), "the HTML parser sees the same three");
    assertEquals(
        latencyBars(html),
        stats.get("latency_ms").get("count").asLong(),
        "the histogram's bars hold every line with a response");
  }

  /** The lines the latency histogram's bars stand for, read from their tooltips. */
  private static long latencyBars(String html) {
    Matcher svg = SVG.matcher(html);
    assertTrue(svg.find());
    Matcher bar = Pattern.compile("<title>(\\d+) lines from").matcher(svg.group());
    long lines = 0;
    while (bar.find()) {
      lines += Long.parseLong(bar.group(1));
    }
    return lines;
  }

  private static List<String> cells(Element row) {
    return row.select("td").stream().map(Element::text).toList();
  }

  private static double number(Document page, String selector) {
    Element element = page.selectFirst(selector);
    assertTrue(element != null, "the report has " + selector);
    return Double.parseDouble(element.text());
  }

  @Test
  void withFailFastTheStatsCoverEveryLineWritten() throws Exception {
    Path input =
        Files.write(
            dir.resolve("urls.txt"),
            List.of(url("/delay/2"), url("/delay/2"), "http://127.0.0.1:1/x"));
    Path out = dir.resolve("out.jsonl");
    Path statsFile = dir.resolve("stats.json");
    Run run =
        cli(
            "fetch",
            "-c",
            "4",
            "--fail-fast",
            "-q",
            "-o",
            out.toString(),
            "--stats",
            statsFile.toString(),
            input.toString());
    assertEquals(ExitCodes.ERRORS, run.exit(), run.err());
    JsonNode stats = JSON.readTree(Files.readString(statsFile));
    assertEquals(3, stats.get("total").asInt());
    Map<String, Integer> errors = new TreeMap<>();
    for (Iterator<JsonNode> it = lines(out).iterator(); it.hasNext(); ) {
      JsonNode line = it.next();
      if (!line.get("ok").asBoolean()) {
        errors.merge(line.get("error").get("kind").asText(), 1, Integer::sum);
      }
    }
    assertEquals(Map.of("cancelled", 2, "connect", 1), errors);
    assertEquals(errors, JSON.convertValue(stats.get("errors"), TreeMap.class));
  }

  @Test
  void withResumeTheStatsCoverTheWholeFileAndPerSecondThisRunsLines() throws Exception {
    Path out = dir.resolve("out.jsonl");
    Path statsFile = dir.resolve("stats.json");
    Path first =
        Files.write(
            dir.resolve("first.txt"), List.of(url("/status/404"), url("/get"), "htp://bad"));
    assertEquals(
        ExitCodes.ERRORS, cli("fetch", "-q", "-o", out.toString(), first.toString()).exit());
    Path all =
        Files.write(
            dir.resolve("all.txt"),
            List.of(url("/status/404"), url("/get"), "htp://bad", url("/get"), url("/status/503")));
    Run run =
        cli(
            "fetch",
            "-q",
            "--resume",
            "-o",
            out.toString(),
            "--stats",
            statsFile.toString(),
            all.toString());
    assertEquals(ExitCodes.ERRORS, run.exit(), run.err());
    assertEquals(5, lines(out).size());
    JsonNode stats = JSON.readTree(Files.readString(statsFile));
    assertEquals(5, stats.get("total").asInt());
    assertEquals(
        Map.of("200", 2, "404", 1, "503", 1),
        JSON.convertValue(stats.get("status"), TreeMap.class));
    assertEquals(Map.of("invalid-url", 1), JSON.convertValue(stats.get("errors"), TreeMap.class));
    assertEquals(
        4,
        stats.get("latency_ms").get("count").asInt(),
        "every line with a response, earlier ones too");
    long thisRun = 0;
    for (JsonNode second : stats.get("per_second")) {
      thisRun += second.get("ok").asLong() + second.get("failed").asLong();
    }
    assertEquals(2, thisRun, "per second: the lines this run finished");
  }

  @Test
  void aStatsOrReportFileThatCannotBeWrittenIsAUsageError() {
    for (String option : List.of("--stats", "--report")) {
      Run run = cli("fetch", option, dir.resolve("missing/dir/file").toString(), "-");
      assertEquals(ExitCodes.USAGE, run.exit(), run.err());
      assertEquals(1, run.err().lines().count(), run.err());
      assertTrue(run.err().startsWith("fetchpipe: cannot write " + option), run.err());
    }
  }
}
