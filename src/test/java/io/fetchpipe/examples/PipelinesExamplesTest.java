package io.fetchpipe.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.core.Delay;
import io.fetchpipe.core.JobHandler;
import io.fetchpipe.queue.Pipeline;
import io.fetchpipe.queue.PipelineSettings;
import io.fetchpipe.queue.PipelineSummary;
import io.fetchpipe.testing.OwnThread;
import io.fetchpipe.testing.PrintedLines;
import io.fetchpipe.testkit.VirtualTime;
import java.io.PrintStream;
import java.time.Duration;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The example of docs/pipelines.md, run as written on a thread of its own, in virtual time. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelinesExamplesTest {
  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(VirtualTime.config()).build();

  // docs/pipelines.md: the seed's queue begins
  static PipelineSummary producerAndConsumers(ActorSystem<?> system, PrintStream out) {
    Source<String, ?> producer = Source.range(0, 9)
        .mapAsync(1, i -> Delay.after(system, Duration.ofMillis(100), () -> "item-" + i));
    JobHandler<String, String> consumer = (item, context) ->
        Delay.after(system, Duration.ofMillis(200), () -> item);

    return Pipeline.create(system, new PipelineSettings(5, 2, 64))
        .run(producer, consumer, outcome -> out.println("processed " + outcome.getOrThrow()))
        .toCompletableFuture().join();
  }
  // docs/pipelines.md: the seed's queue ends

  @Test
  void theProducerAndTwoConsumersProcessEveryItemOnceIn1point2Seconds() throws Exception {
    ActorSystem<?> system = testKit.system();
    VirtualTime time = VirtualTime.of(system);
    PrintedLines printed = PrintedLines.since(time);
    OwnThread<PipelineSummary> run =
        OwnThread.start("pipeline", () -> producerAndConsumers(system, printed.out()));

    Duration took = run.advanceUntil(time, () -> printed.count() == 10, Duration.ofSeconds(10));
    PipelineSummary summary = run.result(Duration.ofSeconds(10));

    assertEquals(
        Duration.ofMillis(1200),
        took,
        "a new item every 100 ms, each processed 200 ms after it came");
    assertEquals(
        IntStream.range(0, 10).mapToObj(i -> "processed item-" + i).toList(), printed.texts());
    assertEquals(
        IntStream.range(0, 10).mapToObj(i -> Duration.ofMillis(300 + 100 * i)).toList(),
        printed.instants());
    assertEquals(10, summary.produced());
    assertEquals(10, summary.consumed());
    assertEquals(2, summary.consumedPerConsumer().size());
    assertTrue(
        summary.consumedPerConsumer().values().stream().allMatch(items -> items == 5),
        "both consumers take turns: " + summary.consumedPerConsumer());
    assertEquals(0, summary.failed());
    assertTrue(
        summary.maxBacklog() <= 5,
        "the queue never holds more than its capacity: " + summary.maxBacklog());
    assertNull(summary.inputError());
  }
}
