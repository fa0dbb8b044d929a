package io.fetchpipe.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.core.Delay;
import io.fetchpipe.core.JobHandler;
import io.fetchpipe.core.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The seed's Queue(maxsize=5) example in virtual time: a producer puts 10 items, one per 100 ms;
 * two consumers take 200 ms each; the sentinel stops both. Every item is processed once, the queue
 * never holds more than 5, and the whole run takes 1.2 s of virtual time.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SeedQueueTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withCustomConfig(ManualTime.config().withFallback(ActorTestKit.applicationTestConfig()))
          .build();

  private ManualTime manualTime;

  @BeforeAll
  void setUp() {
    manualTime = ManualTime.get(testKit.system());
  }

  @Test
  void theSeedsProducerAndTwoConsumersProcessEveryItemOnceIn1point2Seconds() throws Exception {
    TestProbe<Integer> waiting = testKit.createTestProbe();
    TestProbe<String> started = testKit.createTestProbe();
    // producer: `await asyncio.sleep(0.1)` then `await queue.put(f"item-{i}")`
    Source<String, ?> producer =
        Source.range(0, 9)
            .mapAsync(
                1,
                i -> {
                  CompletionStage<String> item =
                      Delay.after(testKit.system(), Duration.ofMillis(100), () -> "item-" + i);
                  waiting.ref().tell(i); // the timer is set: time may pass
                  return item;
                });
    // consumer: processes each item for 0.2 s
    JobHandler<String, String> consumer =
        (item, context) -> {
          CompletionStage<String> done =
              Delay.after(testKit.system(), Duration.ofMillis(200), () -> item + " processed");
          started.ref().tell(item);
          return done;
        };
    List<Outcome<String>> outcomes = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<PipelineSummary> result =
        Pipeline.create(testKit.system(), new PipelineSettings(5, 2, 16))
            .run(producer, consumer, outcomes::add)
            .toCompletableFuture();

    assertEquals(0, waiting.receiveMessage(WAIT));
    for (int step = 1; step <= 10; step++) {
      manualTime.timePasses(Duration.ofMillis(100));
      assertEquals("item-" + (step - 1), started.receiveMessage(WAIT), "at " + step * 100 + " ms");
      if (step < 10) {
        assertEquals(step, waiting.receiveMessage(WAIT));
      }
    }
    manualTime.timePasses(Duration.ofMillis(199));
    assertFalse(result.isDone(), "item-9 started at 1.0 s and takes 0.2 s");
    manualTime.timePasses(Duration.ofMillis(1));
    PipelineSummary summary = result.get(5, TimeUnit.SECONDS);

    assertEquals(10, summary.produced());
    assertEquals(10, summary.consumed());
    assertEquals(2, summary.consumedPerConsumer().size(), "both consumers ran and stopped");
    assertTrue(summary.consumedPerConsumer().values().stream().allMatch(n -> n > 0));
    assertEquals(0, summary.failed());
    assertTrue(summary.maxBacklog() <= 5);
    assertNull(summary.inputError());
    assertEquals(
        10, outcomes.stream().map(Outcome::index).distinct().count(), "each item exactly once");
  }
}
