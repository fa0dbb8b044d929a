package io.fetchpipe.cli;

import io.fetchpipe.core.Outcome;
import io.fetchpipe.http.FetchRequest;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.ResponseBody;
import io.fetchpipe.stream.InputLine;
import io.fetchpipe.stream.ResultLine;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/**
 * The heap a run's figures hold (bench/stats-memory.sh): a million result lines over 20 000 hosts
 * recorded into the RunStats of --stats/--report, the heap in use after a full GC printed at
 * checkpoints. Flat figures mean memory does not grow with the number of lines. Usage: java -cp
 * fetchpipe.jar:classes io.fetchpipe.cli.StatsMemoryProbe [LINES] [HOSTS]
 */
public final class StatsMemoryProbe {
  public static void main(String[] args) {
    int lines = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int hosts = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    Random random = new Random(1);
    long baseline = usedAfterGc();
    RunStats stats = new RunStats(1000);
    stats.startClock();
    Instant start = Instant.now();
    FetchResponse response =
        new FetchResponse(
            200, List.of(), null, null, 1, 1024, null, ResponseBody.Discarded.INSTANCE);
    for (int i = 1; i <= lines; i++) {
      // A few busy hosts and a long tail, as in a crawl.
      int host = random.nextDouble() < 0.5 ? random.nextInt(20) : random.nextInt(hosts);
      String url = "http://host-" + host + ".example:80/page/" + i;
      long micros = (long) Math.exp(Math.log(30_000) + random.nextGaussian());
      Instant started = start.plusMillis(i / 5);
      Outcome<FetchResponse> outcome =
          Outcome.success(i, response, started, started.plusNanos(micros * 1000));
      stats.record(new ResultLine(InputLine.of(i, i, FetchRequest.get(url)), outcome), true);
      if (i == lines / 10 || i == lines / 4 || i == lines / 2 || i == lines) {
        System.out.printf(
            "%,9d lines: %,7d KiB held by the figures%n", i, (usedAfterGc() - baseline) / 1024);
      }
    }
    System.out.println(stats.snapshot().summaryLine());
  }

  private static long usedAfterGc() {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
