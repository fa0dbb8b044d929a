package io.fetchpipe.bench;

import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.core.Task;
import io.fetchpipe.core.TaskPool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Orchestration without I/O: 100 000 trivial tasks through gather, asCompleted and gatherOrFail at
 * two concurrency caps, in two shapes of task. The score is items per second (one operation = one
 * task).
 *
 * <ul>
 *   <li>{@code completed}: each task returns an already-completed future, so the worker that starts
 *       it finishes it at once, without a round trip through any mailbox or executor.
 *   <li>{@code async}: each task completes on the actor system's default executor ({@code
 *       CompletableFuture.supplyAsync(() -> v, system.executionContext())}), so its result comes
 *       back to the worker from another thread, as an I/O result would. This is the shape of
 *       asyncio's benchmark, whose coroutines each suspend once ({@code await asyncio.sleep(0)}).
 * </ul>
 */
// The parallel collector, as bin/fetchpipe runs with: G1's concurrent threads compete with the
// actors for two cores and made iterations swing by a factor of two.
@Fork(value = 1, jvmArgsAppend = "-XX:+UseParallelGC")
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class OrchestrationBenchmark {
  static final int ITEMS = 100_000;

  @Param({"5", "64"})
  int maxConcurrency;

  @Param({"completed", "async"})
  String shape;

  private ActorSystem<Void> system;
  private TaskPool pool;
  private List<Task<Integer>> tasks;

  @Setup(Level.Trial)
  public void start() {
    system = ActorSystem.create(Behaviors.empty(), "bench");
    pool = TaskPool.create(system, PoolSettings.create(system).withMaxConcurrency(maxConcurrency));
    tasks = tasks(shape, system);
  }

  /** {@link #ITEMS} tasks of the given shape, each yielding its index. */
  static List<Task<Integer>> tasks(String shape, ActorSystem<?> system) {
    Executor executor = system.executionContext();
    List<Task<Integer>> tasks = new ArrayList<>(ITEMS);
    for (int i = 0; i < ITEMS; i++) {
      Integer value = i;
      tasks.add(
          switch (shape) {
            case "completed" -> Task.of(() -> CompletableFuture.completedFuture(value));
            case "async" -> Task.of(() -> CompletableFuture.supplyAsync(() -> value, executor));
            default -> throw new IllegalArgumentException("unknown shape " + shape);
          });
    }
    return tasks;
  }

  @TearDown(Level.Trial)
  public void stop() {
    pool.close();
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }

  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public List<Outcome<Integer>> gather() {
    return pool.gather(tasks).toCompletableFuture().join();
  }

  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public List<Integer> gatherOrFail() {
    return pool.gatherOrFail(tasks).toCompletableFuture().join();
  }

  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public Object asCompleted() {
    return pool.asCompleted(tasks).runWith(Sink.ignore(), system).toCompletableFuture().join();
  }
}
