import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a run's time went, from a JFR recording (as bench/profile.sh makes one): CPU per thread,
 * the hottest methods by self and by total samples, the same by component (package), garbage
 * collection, allocation and JIT compilation.
 *
 * <p>usage: java bench/JfrSummary.java RECORDING.jfr [TOP, default 25] [THREADS_FILE CLK_TCK]
 *
 * <p>THREADS_FILE holds lines "os-thread-id TAB name TAB cpu-ticks" (user + system, in CLK_TCK
 * units per second), sampled from /proc while the process ran; the last line of each thread counts.
 * With it, CPU per thread is exact to the sampling interval and threads are named by their Java
 * names where the recording knows them. Without it, the recording's jdk.ThreadCPULoad events give
 * an estimate.
 */
public final class JfrSummary {
  private static final String OWN = "io.fetchpipe.";

  public static void main(String[] args) throws IOException {
    Path recording = Path.of(args[0]);
    int top = args.length > 1 ? Integer.parseInt(args[1]) : 25;
    Path threadsFile = args.length > 3 ? Path.of(args[2]) : null;
    long clockTicks = args.length > 3 ? Long.parseLong(args[3]) : 100;

    Map<String, Long> self = new HashMap<>();
    Map<String, Long> total = new HashMap<>();
    Map<String, Long> selfComponent = new HashMap<>();
    Map<String, Long> totalComponent = new HashMap<>();
    Map<String, Long> samplesPerThread = new HashMap<>();
    Map<String, Long> allocatedByClass = new HashMap<>();
    Map<String, Long> allocatedByFrame = new HashMap<>();
    Map<Long, String> javaNames = new HashMap<>();
    Map<String, Double> cpuLoadSeconds = new HashMap<>();
    Map<String, Long> lastLoadTime = new HashMap<>();
    long samples = 0;
    long gcCount = 0;
    Duration gcPauses = Duration.ZERO;
    Duration gcLongest = Duration.ZERO;
    long heapAfterGcMax = 0;
    long heapCommittedMax = 0;
    long compilations = -1;
    Duration compileTime = Duration.ZERO;
    Map<String, Long> totalOwn = new HashMap<>();
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    int cpus = Runtime.getRuntime().availableProcessors();

    try (RecordingFile file = new RecordingFile(recording)) {
      while (file.hasMoreEvents()) {
        RecordedEvent event = file.readEvent();
        long start = event.getStartTime().toEpochMilli();
        first = Math.min(first, start);
        last = Math.max(last, event.getEndTime().toEpochMilli());
        RecordedThread eventThread = event.getThread();
        if (eventThread != null) {
          remember(javaNames, eventThread);
        }
        switch (event.getEventType().getName()) {
          case "jdk.ExecutionSample" -> {
            samples++;
            RecordedThread thread = event.getThread("sampledThread");
            remember(javaNames, thread);
            samplesPerThread.merge(name(thread), 1L, Long::sum);
            RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
              continue;
            }
            List<RecordedFrame> frames = stack.getFrames();
            self.merge(method(frames.get(0)), 1L, Long::sum);
            selfComponent.merge(component(frames.get(0)), 1L, Long::sum);
            Set<String> seen = new HashSet<>();
            Set<String> seenComponents = new HashSet<>();
            Set<String> seenOwn = new HashSet<>();
            for (RecordedFrame frame : frames) {
              if (seen.add(method(frame))) {
                total.merge(method(frame), 1L, Long::sum);
              }
              if (seenComponents.add(component(frame))) {
                totalComponent.merge(component(frame), 1L, Long::sum);
              }
              if (method(frame).startsWith(OWN) && seenOwn.add(method(frame))) {
                totalOwn.merge(method(frame), 1L, Long::sum);
              }
            }
          }
          case "jdk.ObjectAllocationSample" -> {
            long weight = event.getLong("weight");
            allocatedByClass.merge(event.getClass("objectClass").getName(), weight, Long::sum);
            RecordedStackTrace stack = event.getStackTrace();
            if (stack != null && !stack.getFrames().isEmpty()) {
              allocatedByFrame.merge(firstOwnFrame(stack.getFrames()), weight, Long::sum);
            }
          }
          case "jdk.ThreadCPULoad" -> {
            String thread = name(event.getThread());
            long now = event.getStartTime().toEpochMilli();
            Long previous = lastLoadTime.put(thread, now);
            if (previous != null) {
              double load = event.getFloat("user") + event.getFloat("system");
              cpuLoadSeconds.merge(thread, load * (now - previous) / 1000.0 * cpus, Double::sum);
            }
          }
          case "jdk.GarbageCollection" -> {
            gcCount++;
            Duration pauses = event.getDuration("sumOfPauses");
            gcPauses = gcPauses.plus(pauses);
            Duration longest = event.getDuration("longestPause");
            if (longest.compareTo(gcLongest) > 0) {
              gcLongest = longest;
            }
          }
          case "jdk.GCHeapSummary" -> {
            if ("After GC".equals(event.getString("when"))) {
              heapAfterGcMax = Math.max(heapAfterGcMax, event.getLong("heapUsed"));
            }
            heapCommittedMax = Math.max(heapCommittedMax, event.getLong("heapSpace.committedSize"));
          }
          case "jdk.CompilerStatistics" -> { // cumulative: the last one counts
            compilations = event.getInt("compileCount");
            compileTime = event.getDuration("totalTimeSpent");
          }
          default -> {}
        }
      }
    }

    System.out.printf(
        Locale.ROOT,
        "recording: %.1f s, %d CPU samples of Java code (jdk.ExecutionSample)%n",
        (last - first) / 1000.0,
        samples);

    System.out.println();
    if (threadsFile != null && Files.exists(threadsFile)) {
      Map<String, Long> ticks = new LinkedHashMap<>();
      Map<String, String> names = new HashMap<>();
      for (String line : Files.readAllLines(threadsFile)) {
        String[] fields = line.split("\t");
        if (fields.length == 3) {
          ticks.put(fields[0], Long.parseLong(fields[2]));
          names.put(fields[0], fields[1]);
        }
      }
      Map<String, Double> seconds = new HashMap<>();
      ticks.forEach(
          (tid, t) ->
              seconds.merge(
                  threadGroup(javaNames.getOrDefault(Long.parseLong(tid), names.get(tid))),
                  t / (double) clockTicks,
                  Double::sum));
      double sum = seconds.values().stream().mapToDouble(Double::doubleValue).sum();
      System.out.printf(
          Locale.ROOT,
          "CPU per thread (user+sys from /proc, %.2f s in all; numbered threads of one pool summed):%n",
          sum);
      printSeconds(seconds, sum, top, samplesPerThread);
    } else {
      double sum = cpuLoadSeconds.values().stream().mapToDouble(Double::doubleValue).sum();
      System.out.printf(
          Locale.ROOT, "CPU per thread (estimated from jdk.ThreadCPULoad, %.2f s in all):%n", sum);
      printSeconds(cpuLoadSeconds, sum, top, samplesPerThread);
    }

    printTop("Hottest methods, self (the sampled frame itself)", self, samples, top);
    printTop("Hottest methods, total (anywhere on the stack)", total, samples, top);
    printTop(
        "fetchpipe's own methods, total (" + OWN + "*, anywhere on the stack)",
        totalOwn,
        samples,
        top);
    printTop(
        "Components, self (package of the sampled frame)",
        selfComponent,
        samples,
        Math.min(top, 15));
    printTop("Components, total", totalComponent, samples, Math.min(top, 15));

    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "GC: %d collections, pauses %.3f s in all, longest %.1f ms; heap used after GC at most %.1f MB, committed at most %.1f MB%n",
        gcCount,
        gcPauses.toNanos() / 1e9,
        gcLongest.toNanos() / 1e6,
        heapAfterGcMax / 1048576.0,
        heapCommittedMax / 1048576.0);
    if (compilations >= 0) {
      System.out.printf(
          Locale.ROOT,
          "JIT: %d methods compiled, %.2f s in the compiler threads (jdk.CompilerStatistics)%n",
          compilations,
          compileTime.toNanos() / 1e9);
    }
    long allocated = allocatedByClass.values().stream().mapToLong(Long::longValue).sum();
    if (allocated > 0) {
      System.out.printf(
          Locale.ROOT,
          "%nAllocation (jdk.ObjectAllocationSample, %.0f MB estimated in all):%n",
          allocated / 1048576.0);
      printBytes("by class", allocatedByClass, allocated, Math.min(top, 15));
      printBytes(
          "by first frame outside java.*/jdk.*/scala.*",
          allocatedByFrame,
          allocated,
          Math.min(top, 15));
    }
  }

  private static void remember(Map<Long, String> javaNames, RecordedThread thread) {
    if (thread != null && thread.getJavaName() != null && thread.getOSThreadId() > 0) {
      javaNames.put(thread.getOSThreadId(), thread.getJavaName());
    }
  }

  private static String name(RecordedThread thread) {
    if (thread == null) {
      return "?";
    }
    return threadGroup(thread.getJavaName() != null ? thread.getJavaName() : thread.getOSName());
  }

  /**
   * Numbered threads of one pool as one line: "peer-pekko.actor.default-dispatcher-3" ->
   * "...-dispatcher-*".
   */
  private static String threadGroup(String name) {
    return name == null ? "?" : name.replaceAll("(?<=[-#])\\d+$", "*");
  }

  private static String method(RecordedFrame frame) {
    RecordedMethod method = frame.getMethod();
    if (method == null) {
      return "?";
    }
    return method.getType().getName() + "." + method.getName();
  }

  /**
   * A frame's package cut to three segments (four for org.apache.pekko): enough to name a library's
   * part.
   */
  private static String component(RecordedFrame frame) {
    RecordedMethod method = frame.getMethod();
    if (method == null) {
      return "?";
    }
    String type = method.getType().getName();
    int dot = type.lastIndexOf('.');
    String pkg = dot < 0 ? "(default package)" : type.substring(0, dot);
    String[] parts = pkg.split("\\.");
    int keep = pkg.startsWith("org.apache.pekko.") ? 4 : 3;
    return String.join(".", java.util.Arrays.copyOf(parts, Math.min(keep, parts.length)));
  }

  private static String firstOwnFrame(List<RecordedFrame> frames) {
    for (RecordedFrame frame : frames) {
      String method = method(frame);
      if (!method.startsWith("java.")
          && !method.startsWith("jdk.")
          && !method.startsWith("scala.")
          && !method.startsWith("sun.")) {
        return method;
      }
    }
    return method(frames.get(0));
  }

  private static void printSeconds(
      Map<String, Double> seconds, double sum, int top, Map<String, Long> samples) {
    System.out.printf("  %8s %6s %8s  %s%n", "CPU s", "%", "samples", "thread");
    seconds.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(top)
        .forEach(
            e ->
                System.out.printf(
                    Locale.ROOT,
                    "  %8.2f %5.1f%% %8d  %s%n",
                    e.getValue(),
                    sum > 0 ? 100 * e.getValue() / sum : 0,
                    samples.getOrDefault(e.getKey(), 0L),
                    e.getKey()));
  }

  private static void printTop(String title, Map<String, Long> counts, long samples, int top) {
    System.out.printf("%n%s:%n", title);
    System.out.printf("  %8s %6s  %s%n", "samples", "%", "");
    List<Map.Entry<String, Long>> sorted = new ArrayList<>(counts.entrySet());
    sorted.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()));
    sorted.stream()
        .limit(top)
        .forEach(
            e ->
                System.out.printf(
                    Locale.ROOT,
                    "  %8d %5.1f%%  %s%n",
                    e.getValue(),
                    samples > 0 ? 100.0 * e.getValue() / samples : 0,
                    e.getKey()));
  }

  private static void printBytes(String title, Map<String, Long> bytes, long allocated, int top) {
    System.out.printf("  %s:%n", title);
    bytes.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(top)
        .forEach(
            e ->
                System.out.printf(
                    Locale.ROOT,
                    "    %8.1f MB %5.1f%%  %s%n",
                    e.getValue() / 1048576.0,
                    100.0 * e.getValue() / allocated,
                    e.getKey()));
  }
}
