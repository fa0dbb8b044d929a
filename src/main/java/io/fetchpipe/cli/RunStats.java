package io.fetchpipe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.internal.TargetUrl;
import io.fetchpipe.stream.ResultLine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The figures of a run, counted from its output lines as they are written: ok and failed (for the
 * progress bar, the summary and the exit status; lock-free), and the rest of what {@code --stats}
 * and {@code --report} show (statuses, error kinds, attempts, bytes, latency percentiles, lines per
 * second, hosts) in memory that does not grow with the number of lines: a latency histogram, one
 * pair of counts per second of the run, and a {@link HostTable} of bounded size. With {@code
 * --resume} the lines already in the file count too, except in the per-second figures (they were
 * not finished in this run's seconds). Thread-safe.
 */
final class RunStats {
  /** Hosts listed by requests in {@code --stats}; the report's slowest and most failing hosts. */
  static final int TOP_HOSTS = 20;

  static final int TOP_OF_REPORT = 10;

  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong writtenNow = new AtomicLong();
  private final HostTable hosts; // null: hosts not asked for
  // Lines per status (HTTP's three digits; anything else is out of range and counted beside).
  private final long[] statuses = new long[1000];
  private final TreeMap<Integer, Long> oddStatuses = new TreeMap<>();
  private final TreeMap<String, long[]> errors = new TreeMap<>();
  private final Latencies latencies = Latencies.ofRun();
  private final PerSecond perSecond = new PerSecond();
  private long attempts;
  private long retries;
  private long bytes;
  private volatile long startNanos = System.nanoTime();
  private volatile Instant startedAt = Instant.now();

  /** Figures of a run; {@code hostCapacity} hosts kept at a time, or 0 to count no hosts. */
  RunStats(int hostCapacity) {
    this.hosts = hostCapacity > 0 ? new HostTable(hostCapacity) : null;
  }

  /** The run's clock starts now (with the first request, not before a cluster's workers joined). */
  void startClock() {
    startNanos = System.nanoTime();
    startedAt = Instant.now();
  }

  /** A line of this run was written. */
  void record(ResultLine line, boolean lineOk) {
    (lineOk ? ok : failed).incrementAndGet();
    writtenNow.incrementAndGet();
    FetchResponse response = line.response();
    double millis = response != null ? line.elapsedMillis() : -1;
    String host =
        hosts == null || line.input().url() == null
            ? null
            : TargetUrl.hostKeyOrNull(line.input().url());
    synchronized (this) {
      count(
          lineOk,
          response == null ? 0 : response.status(),
          line.errorKind(lineOk),
          millis,
          line.attempts(),
          lineOk && response != null ? response.bytes() : 0,
          host);
      perSecond.record(Duration.between(startedAt, line.outcome().finishedAt()), lineOk);
    }
  }

  /** A line an earlier run left in the output file (with {@code --resume}). */
  void recordEarlier(JsonNode line) {
    boolean lineOk = line.path("ok").asBoolean();
    (lineOk ? ok : failed).incrementAndGet();
    int status = line.path("status").asInt(0);
    String url = line.path("url").asText(null);
    synchronized (this) {
      count(
          lineOk,
          status,
          lineOk ? null : line.path("error").path("kind").asText("unknown"),
          status > 0 ? line.path("elapsed_ms").asDouble() : -1,
          line.path("attempts").asInt(),
          line.path("bytes").asLong(),
          hosts == null || url == null ? null : TargetUrl.hostKeyOrNull(url));
    }
  }

  private void count(
      boolean lineOk,
      int status,
      String errorKind,
      double millis,
      int lineAttempts,
      long lineBytes,
      String host) {
    if (status > 0) {
      if (status < statuses.length) {
        statuses[status]++;
      } else {
        oddStatuses.merge(status, 1L, Long::sum);
      }
      latencies.record(millis);
    }
    if (errorKind != null) {
      errors.computeIfAbsent(errorKind, kind -> new long[1])[0]++;
    }
    attempts += lineAttempts;
    retries += Math.max(0, lineAttempts - 1);
    bytes += lineBytes;
    if (host != null) {
      hosts.record(host, lineOk, millis);
    }
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

  /** The figures as they are now. */
  synchronized StatsSnapshot snapshot() {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    double rate = seconds > 0 ? writtenNow.get() / seconds : 0;
    StatsSnapshot.Latency latency =
        new StatsSnapshot.Latency(
            latencies.count(),
            latencies.min(),
            latencies.percentile(50),
            latencies.percentile(90),
            latencies.percentile(95),
            latencies.percentile(99),
            latencies.max(),
            latencies.mean());
    List<StatsSnapshot.Bucket> buckets = new ArrayList<>();
    latencies.forEachBucket(
        (millis, count) -> buckets.add(new StatsSnapshot.Bucket(millis, count)));
    List<StatsSnapshot.HostRow> busiest = List.of();
    List<StatsSnapshot.HostRow> slowest = List.of();
    List<StatsSnapshot.HostRow> failing = List.of();
    if (hosts != null) {
      busiest =
          rows(
              hosts.top(
                  Comparator.comparingLong((HostTable.Host h) -> h.requests).reversed(),
                  TOP_HOSTS));
      slowest =
          rows(
              hosts
                  .top(
                      Comparator.comparingDouble((HostTable.Host h) -> h.latencies.percentile(50))
                          .reversed(),
                      TOP_OF_REPORT)
                  .stream()
                  .filter(h -> h.latencies.count() > 0)
                  .toList());
      failing =
          rows(
              hosts
                  .top(
                      Comparator.comparingLong((HostTable.Host h) -> h.failed)
                          .reversed()
                          .thenComparing(
                              Comparator.comparingLong((HostTable.Host h) -> h.requests)
                                  .reversed()),
                      TOP_OF_REPORT)
                  .stream()
                  .filter(h -> h.failed > 0)
                  .toList());
    }
    TreeMap<Integer, Long> byStatus = new TreeMap<>(oddStatuses);
    for (int status = 0; status < statuses.length; status++) {
      if (statuses[status] > 0) {
        byStatus.put(status, statuses[status]);
      }
    }
    TreeMap<String, Long> byKind = new TreeMap<>();
    errors.forEach((kind, count) -> byKind.put(kind, count[0]));
    return new StatsSnapshot(
        ok.get() + failed.get(),
        ok.get(),
        failed.get(),
        seconds,
        rate,
        byStatus,
        byKind,
        attempts,
        retries,
        bytes,
        latency,
        perSecond.rows(),
        busiest,
        buckets,
        slowest,
        failing,
        hosts == null ? 0 : hosts.dropped());
  }

  private static List<StatsSnapshot.HostRow> rows(List<HostTable.Host> hosts) {
    return hosts.stream()
        .map(
            host ->
                new StatsSnapshot.HostRow(
                    host.key,
                    host.requests,
                    host.ok,
                    host.failed,
                    host.latencies.count(),
                    host.latencies.percentile(50),
                    host.latencies.percentile(99)))
        .toList();
  }

  /**
   * The summary line, e.g. {@code fetchpipe: 18 ok, 2 failed in 1.23 s (16.3 req/s); p50 12.1 ms,
   * ...}.
   */
  String summary() {
    return snapshot().summaryLine();
  }

  /** Lines finished per second of the run: two counts per second, whatever the number of lines. */
  private static final class PerSecond {
    private long[] ok = new long[64];
    private long[] failed = new long[64];
    private int seconds;

    void record(Duration sinceStart, boolean lineOk) {
      int second = (int) Math.min(Integer.MAX_VALUE - 1, Math.max(0, sinceStart.toSeconds()));
      if (second >= ok.length) {
        int size = Math.max(second + 1, ok.length * 2);
        ok = Arrays.copyOf(ok, size);
        failed = Arrays.copyOf(failed, size);
      }
      (lineOk ? ok : failed)[second]++;
      seconds = Math.max(seconds, second + 1);
    }

    List<StatsSnapshot.Second> rows() {
      List<StatsSnapshot.Second> rows = new ArrayList<>(seconds);
      for (int t = 0; t < seconds; t++) {
        rows.add(new StatsSnapshot.Second(t, ok[t], failed[t]));
      }
      return rows;
    }
  }
}
