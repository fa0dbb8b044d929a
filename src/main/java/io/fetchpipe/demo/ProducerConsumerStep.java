package io.fetchpipe.demo;

import io.fetchpipe.core.Delay;
import io.fetchpipe.core.JobHandler;
import io.fetchpipe.queue.Pipeline;
import io.fetchpipe.queue.PipelineSettings;
import io.fetchpipe.queue.PipelineSummary;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Step 4 of the walkthrough: the seed's producer puts 10 items, one per 100 ms, into {@code
 * Queue(maxsize=5)}; two consumers take 200 ms per item; a sentinel stops both.
 */
final class ProducerConsumerStep {
  private final PrintStream out;
  private final double scale;

  ProducerConsumerStep(PrintStream out, double scale) {
    this.out = out;
    this.scale = scale;
  }

  private Duration millis(long value) {
    return Duration.ofNanos((long) (value * scale * 1_000_000));
  }

  void run(ActorSystem<?> system) throws Exception {
    out.println();
    out.println("── 4. Producer/consumer over Queue(maxsize=5) " + "─".repeat(26));
    out.println(
        "  asyncio ~ fetchpipe:  queue = asyncio.Queue(maxsize=5)   |  PipelineSettings(5, 2 consumers, mailbox 64)");
    out.println(
        "                        gather(producer, consumer x2)      |  "
            + "Pipeline.create(system, settings).run(items, logic)");
    Source<String, ?> producer =
        Source.range(0, 9).mapAsync(1, i -> Delay.after(system, millis(100), () -> "item-" + i));
    JobHandler<String, String> consumer =
        (item, context) -> Delay.after(system, millis(200), () -> item);
    long start = System.nanoTime();
    PipelineSummary summary =
        Pipeline.create(system, new PipelineSettings(5, 2, 64))
            .run(producer, consumer, outcome -> out.println("  processed " + outcome.getOrThrow()))
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    out.printf(
        "  produced %d, consumed %s, failed %d, most waiting in the queue %d (max 5); %.1fs%n",
        summary.produced(),
        summary.consumedPerConsumer(),
        summary.failed(),
        summary.maxBacklog(),
        seconds);
  }
}
