package io.fetchpipe.bench;

import io.fetchpipe.core.JobHandler;
import io.fetchpipe.queue.Pipeline;
import io.fetchpipe.queue.PipelineSettings;
import io.fetchpipe.queue.PipelineSummary;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Source;
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
 * The seed's producer/consumer shape without delays: 100 000 trivial items through a queue of 5
 * into 2 consumers. The score is items per second. As in {@link OrchestrationBenchmark}, the
 * consumer's logic either returns a completed future ({@code completed}) or completes on the actor
 * system's default executor ({@code async}, one hand-off per item like asyncio's {@code await
 * asyncio.sleep(0)}).
 */
// The parallel collector, as bin/fetchpipe runs with: G1's concurrent threads compete with the
// actors for two cores and made iterations swing by a factor of two.
@Fork(value = 1, jvmArgsAppend = "-XX:+UseParallelGC")
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PipelineBenchmark {
  static final int ITEMS = 100_000;

  @Param({"completed", "async"})
  String shape;

  private ActorSystem<Void> system;
  private Pipeline pipeline;
  private JobHandler<Integer, Integer> logic;

  @Setup(Level.Trial)
  public void start() {
    system = ActorSystem.create(Behaviors.empty(), "bench");
    pipeline = Pipeline.create(system, new PipelineSettings(5, 2, 64));
    Executor executor = system.executionContext();
    logic =
        switch (shape) {
          case "completed" -> (item, context) -> CompletableFuture.completedFuture(item);
          case "async" -> (item, context) -> CompletableFuture.supplyAsync(() -> item, executor);
          default -> throw new IllegalArgumentException("unknown shape " + shape);
        };
  }

  @TearDown(Level.Trial)
  public void stop() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }

  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public PipelineSummary producerConsumer() {
    return pipeline.run(Source.range(1, ITEMS), logic).toCompletableFuture().join();
  }
}
