package io.fetchpipe.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;

/**
 * A run's figures at one moment: what {@code --stats} writes (in the contract's key order), what
 * the summary line says and what {@code --report} draws, all from the same numbers. Times are in
 * milliseconds, from the lines' {@code elapsed_ms}; latencies are of the lines with a response.
 *
 * @param total lines, ok and failed
 * @param ok ok lines
 * @param failed error lines
 * @param wallSeconds the run's wall time
 * @param ratePerSecond lines this run wrote per second of wall time
 * @param statuses lines per status, of every line with a response, by status
 * @param errors error lines per kind, by kind
 * @param attempts requests started, summed over the lines
 * @param retries attempts after each line's first, summed
 * @param bytes body bytes of the ok lines, summed
 * @param latency latency percentiles
 * @param perSecond lines finished in each second of the run
 * @param hosts the hosts with the most requests, most first
 * @param buckets the latency histogram's non-empty buckets, lowest first
 * @param slowest the hosts with the highest median latency, slowest first
 * @param failing the hosts with the most error lines, most first
 * @param hostsDropped the largest request count of a host the bounded host table dropped (0: none)
 */
record StatsSnapshot(
    long total,
    long ok,
    long failed,
    double wallSeconds,
    double ratePerSecond,
    SortedMap<Integer, Long> statuses,
    SortedMap<String, Long> errors,
    long attempts,
    long retries,
    long bytes,
    Latency latency,
    List<Second> perSecond,
    List<HostRow> hosts,
    List<Bucket> buckets,
    List<HostRow> slowest,
    List<HostRow> failing,
    long hostsDropped) {
  private static final JsonFactory JSON = new JsonFactory();

  /** Latency percentiles (ms) of {@code count} lines with a response. */
  record Latency(
      long count,
      double min,
      double p50,
      double p90,
      double p95,
      double p99,
      double max,
      double mean) {}

  /** Lines finished in second {@code t} of the run. */
  record Second(int t, long ok, long failed) {}

  /**
   * One host's lines; {@code p50} and {@code p99} are of its {@code responses} lines with a
   * response.
   */
  record HostRow(
      String host, long requests, long ok, long failed, long responses, double p50, double p99) {}

  /** {@code count} lines took about {@code millis}. */
  record Bucket(double millis, long count) {}

  /**
   * The summary line: counts, wall time and rate, and the latency percentiles when any line had a
   * response.
   */
  String summaryLine() {
    String counts =
        String.format(
            Locale.ROOT,
            "fetchpipe: %d ok, %d failed in %.2f s (%.1f req/s)",
            ok,
            failed,
            wallSeconds,
            ratePerSecond);
    if (latency.count() == 0) {
      return counts;
    }
    return counts
        + String.format(
            Locale.ROOT,
            "; p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms",
            latency.p50(),
            latency.p90(),
            latency.p99(),
            latency.max());
  }

  /** The {@code --stats} object on one line, keys in the contract's order. */
  String toJson() {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(text)) {
      json.writeStartObject();
      json.writeNumberField("total", total);
      json.writeNumberField("ok", ok);
      json.writeNumberField("failed", failed);
      json.writeFieldName("wall_s");
      json.writeNumber(decimals(wallSeconds, 2));
      json.writeFieldName("rate_per_s");
      json.writeNumber(decimals(ratePerSecond, 1));
      json.writeObjectFieldStart("status");
      for (Map.Entry<Integer, Long> status : statuses.entrySet()) {
        json.writeNumberField(String.valueOf(status.getKey()), status.getValue());
      }
      json.writeEndObject();
      json.writeObjectFieldStart("errors");
      for (Map.Entry<String, Long> error : errors.entrySet()) {
        json.writeNumberField(error.getKey(), error.getValue());
      }
      json.writeEndObject();
      json.writeNumberField("attempts", attempts);
      json.writeNumberField("retries", retries);
      json.writeNumberField("bytes", bytes);
      writeLatency(json);
      json.writeArrayFieldStart("per_second");
      for (Second second : perSecond) {
        json.writeStartObject();
        json.writeNumberField("t", second.t());
        json.writeNumberField("ok", second.ok());
        json.writeNumberField("failed", second.failed());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeArrayFieldStart("hosts");
      for (HostRow host : hosts) {
        writeHost(json, host);
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory: cannot happen
    }
    return text.toString();
  }

  private void writeLatency(JsonGenerator json) throws IOException {
    json.writeObjectFieldStart("latency_ms");
    json.writeNumberField("count", latency.count());
    millis(json, "min", latency.min());
    millis(json, "p50", latency.p50());
    millis(json, "p90", latency.p90());
    millis(json, "p95", latency.p95());
    millis(json, "p99", latency.p99());
    millis(json, "max", latency.max());
    millis(json, "mean", latency.mean());
    json.writeEndObject();
  }

  private static void writeHost(JsonGenerator json, HostRow host) throws IOException {
    json.writeStartObject();
    json.writeStringField("host", host.host());
    json.writeNumberField("requests", host.requests());
    json.writeNumberField("ok", host.ok());
    json.writeNumberField("failed", host.failed());
    if (host.responses() > 0) {
      millis(json, "p50", host.p50());
      millis(json, "p99", host.p99());
    } else {
      json.writeNullField("p50");
      json.writeNullField("p99");
    }
    json.writeEndObject();
  }

  private static void millis(JsonGenerator json, String name, double value) throws IOException {
    json.writeFieldName(name);
    json.writeNumber(decimals(value, 1));
  }

  /**
   * {@code value} with {@code places} decimals, as JSON writes it: plain digits, never an exponent.
   */
  static String decimals(double value, int places) {
    return String.format(Locale.ROOT, "%." + places + "f", value);
  }
}
