import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Is this machine steady enough to benchmark on? Runs the same single-threaded work in slices of 2
 * million map updates for the given seconds and prints each slice's rate (thousands of updates per
 * second), then the fastest, the median and the share of slices below half the median. On a steady
 * machine the slices agree; when the host takes the CPU away for a while, runs of slices drop far
 * below the median, and so does any benchmark that happens to run then. The first second (JIT
 * warm-up) is left out.
 *
 * <p>usage: java bench/CpuSteadiness.java [seconds, default 20]
 */
public final class CpuSteadiness {
  public static void main(String[] args) {
    long seconds = args.length > 0 ? Long.parseLong(args[0]) : 20;
    long begin = System.nanoTime();
    long warm = begin + 1_000_000_000L; // the first second is JIT warm-up: left out of the figures
    long end = begin + seconds * 1_000_000_000L;
    Map<Integer, Integer> counts = new HashMap<>();
    List<Long> rates = new ArrayList<>();
    long sink = 0;
    while (System.nanoTime() < end) {
      long start = System.nanoTime();
      for (int i = 0; i < 2_000_000; i++) {
        counts.merge(i & 1023, 1, Integer::sum);
        sink += counts.get(i & 511);
      }
      if (start > warm) {
        rates.add(2_000_000L * 1_000_000L / Math.max(1, System.nanoTime() - start));
      }
    }
    StringBuilder line = new StringBuilder("k updates/s per slice:");
    rates.forEach(rate -> line.append(' ').append(rate));
    System.out.println(line);
    List<Long> sorted = rates.stream().sorted().toList();
    long median = sorted.get(sorted.size() / 2);
    long slow = rates.stream().filter(rate -> rate < median / 2).count();
    System.out.printf(
        "slices: %d, fastest: %d, median: %d, below half the median: %d (%.0f%%)%s%n",
        rates.size(),
        sorted.get(sorted.size() - 1),
        median,
        slow,
        100.0 * slow / rates.size(),
        sink == 42 ? " " : "");
  }
}
