import io.fetchpipe.core.JobHandler;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.core.Task;
import io.fetchpipe.core.TaskPool;
import io.fetchpipe.queue.Pipeline;
import io.fetchpipe.queue.PipelineSettings;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Where the JMH benchmarks' time goes: runs one of their operations (100 000 trivial tasks or
 * pipeline items, of the same two shapes) over and over, and prints per item, besides the rate, the
 * CPU it cost (the whole process, and each thread pool), how often a thread was switched out (a
 * thread that runs out of work and parks, to be woken for the next message, is one switch), and the
 * bytes allocated. CPU and switches per item say more than the rate on a machine that other work
 * shares: they hardly depend on how much of the machine the run got.
 *
 * <p>usage: java -XX:+UseParallelGC -cp target/fetchpipe.jar bench/OrchestrationProbe.java
 * gather|gatherOrFail|asCompleted|pipeline completed|async [MAX_CONCURRENCY=64] [SECONDS=10]
 *
 * <p>It warms up for 8 s, then measures for SECONDS; every figure is the median over the rounds
 * (one round = 100 000 items), except the per-pool CPU and the allocation, which are totals over
 * all rounds divided by their items. -Dfetchpipe.pool.dispatcher=... and
 * -Dfetchpipe.queue.dispatcher=... choose the dispatcher of the actors (the pipeline runs with a
 * queue of 5 and 2 consumers, as in PipelineBenchmark). Linux only (context switches come from
 * /proc).
 */
public final class OrchestrationProbe {
  private static final int ITEMS = 100_000;

  public static void main(String[] args) throws Exception {
    String operation = args[0];
    String shape = args[1];
    int maxConcurrency = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "probe");
    try (TaskPool pool =
        TaskPool.create(system, PoolSettings.create(system).withMaxConcurrency(maxConcurrency))) {
      Runnable round = round(operation, shape, system, pool);
      long warmUpEnd = System.nanoTime() + 8_000_000_000L;
      while (System.nanoTime() < warmUpEnd) {
        round.run();
      }
      measure(operation, shape, maxConcurrency, seconds, round);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
    }
  }

  private static Runnable round(
      String operation, String shape, ActorSystem<?> system, TaskPool pool) {
    Executor executor = system.executionContext();
    boolean async =
        switch (shape) {
          case "async" -> true;
          case "completed" -> false;
          default ->
              throw new IllegalArgumentException("shape is completed or async, not " + shape);
        };
    List<Task<Integer>> tasks = new ArrayList<>(ITEMS);
    for (int i = 0; i < ITEMS; i++) {
      Integer value = i;
      tasks.add(
          async
              ? Task.of(() -> CompletableFuture.supplyAsync(() -> value, executor))
              : Task.of(() -> CompletableFuture.completedFuture(value)));
    }
    JobHandler<Integer, Integer> logic =
        async
            ? (item, context) -> CompletableFuture.supplyAsync(() -> item, executor)
            : (item, context) -> CompletableFuture.completedFuture(item);
    Pipeline pipeline =
        Pipeline.create(
            system,
            PipelineSettings.create(system)
                .withQueueCapacity(5)
                .withConsumers(2)
                .withMailboxCapacity(64));
    return switch (operation) {
      case "gather" -> () -> pool.gather(tasks).toCompletableFuture().join();
      case "gatherOrFail" -> () -> pool.gatherOrFail(tasks).toCompletableFuture().join();
      case "asCompleted" ->
          () -> pool.asCompleted(tasks).runWith(Sink.ignore(), system).toCompletableFuture().join();
      case "pipeline" ->
          () -> pipeline.run(Source.range(1, ITEMS), logic).toCompletableFuture().join();
      default -> throw new IllegalArgumentException("unknown operation " + operation);
    };
  }

  private static void measure(
      String operation, String shape, int maxConcurrency, int seconds, Runnable round)
      throws IOException {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    List<double[]> rounds = new ArrayList<>();
    Map<String, Long> poolCpuBefore = cpuPerPool();
    long allocatedBefore = allocated();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < end || rounds.isEmpty()) {
      long t0 = System.nanoTime();
      long cpu0 = os.getProcessCpuTime();
      long switches0 = contextSwitches();
      round.run();
      long t1 = System.nanoTime();
      long cpu1 = os.getProcessCpuTime();
      long switches1 = contextSwitches();
      rounds.add(
          new double[] {
            ITEMS / ((t1 - t0) / 1e9),
            (cpu1 - cpu0) / 1e3 / ITEMS,
            (double) (switches1 - switches0) / ITEMS
          });
    }
    long items = (long) rounds.size() * ITEMS;
    double allocatedPerItem = (double) (allocated() - allocatedBefore) / items;
    StringBuilder pools = new StringBuilder();
    cpuPerPool()
        .forEach(
            (name, cpu) -> {
              double perItem = (cpu - poolCpuBefore.getOrDefault(name, 0L)) / 1e3 / items;
              if (perItem >= 0.005) {
                pools.append(String.format(" %s=%.3f", name, perItem));
              }
            });
    System.out.printf(
        "%s %s K=%d rounds=%d items/s=%.0f cpu-us/item=%.2f switches/item=%.3f bytes/item=%.0f"
            + " cpu-us/item by pool:%s%n",
        operation,
        shape,
        maxConcurrency,
        rounds.size(),
        median(rounds, 0),
        median(rounds, 1),
        median(rounds, 2),
        allocatedPerItem,
        pools);
  }

  private static double median(List<double[]> rounds, int column) {
    double[] values = rounds.stream().mapToDouble(r -> r[column]).sorted().toArray();
    return values[values.length / 2];
  }

  /** CPU time of the live threads, summed by pool (the name without its trailing number). */
  private static Map<String, Long> cpuPerPool() {
    java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<String, Long> perPool = new TreeMap<>();
    for (long id : threads.getAllThreadIds()) {
      java.lang.management.ThreadInfo info = threads.getThreadInfo(id);
      long cpu = threads.getThreadCpuTime(id);
      if (info != null && cpu > 0) {
        perPool.merge(info.getThreadName().replaceAll("-[0-9]+$", ""), cpu, Long::sum);
      }
    }
    return perPool;
  }

  private static long allocated() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
      sum += Math.max(0, bytes);
    }
    return sum;
  }

  /** Voluntary and involuntary context switches of all the process's threads, from /proc. */
  private static long contextSwitches() throws IOException {
    long sum = 0;
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        try {
          for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches")
                || line.startsWith("nonvoluntary_ctxt_switches")) {
              sum += Long.parseLong(line.split("\\s+")[1]);
            }
          }
        } catch (IOException threadEnded) {
          // a thread that ended since the listing has nothing more to count
        }
      }
    }
    return sum;
  }
}
