package io.fetchpipe.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.core.Blocking;
import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.JobHandler;
import io.fetchpipe.core.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.DeadLetter;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Backpressure without loss, crashes as failure outcomes, and bounded mailboxes that are real. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  /** Fresh probes for what the event stream reports as lost, from now on. */
  private record LossWatch(TestProbe<DeadLetter> deadLetters, TestProbe<Dropped> dropped) {}

  private LossWatch watchLosses() {
    LossWatch watch = new LossWatch(testKit.createTestProbe(), testKit.createTestProbe());
    testKit
        .system()
        .eventStream()
        .tell(new EventStream.Subscribe<>(DeadLetter.class, watch.deadLetters().ref()));
    testKit
        .system()
        .eventStream()
        .tell(new EventStream.Subscribe<>(Dropped.class, watch.dropped().ref()));
    return watch;
  }

  @Test
  void aFastProducerIntoSlowConsumersLosesNothing() throws Exception {
    int count = 100_000;
    LossWatch losses = watchLosses();
    // "Slow": each item completes later, on another thread, so the producer is always ahead.
    Executor elsewhere = Blocking.executor(testKit.system());
    JobHandler<Integer, Integer> slow =
        (item, context) -> CompletableFuture.supplyAsync(() -> item, elsewhere);
    BitSet seen = new BitSet(count);
    AtomicInteger duplicates = new AtomicInteger();
    PipelineSummary summary =
        Pipeline.create(testKit.system(), new PipelineSettings(5, 2, 8))
            .run(
                Source.range(0, count - 1),
                slow,
                outcome -> {
                  synchronized (seen) {
                    if (seen.get(outcome.getOrThrow())) {
                      duplicates.incrementAndGet();
                    }
                    seen.set(outcome.getOrThrow());
                  }
                })
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
    assertEquals(count, summary.produced());
    assertEquals(count, summary.consumed());
    assertEquals(count, seen.cardinality());
    assertEquals(0, duplicates.get());
    assertTrue(summary.maxBacklog() <= 5, "queue above capacity: " + summary.maxBacklog());
    losses.deadLetters().expectNoMessage(Duration.ofMillis(200));
    losses.dropped().expectNoMessage(Duration.ofMillis(10));
  }

  @Test
  void theProducerTakesNoMoreInputThanTheQueueHasRoomFor() throws Exception {
    TestProbe<Integer> pulled = testKit.createTestProbe();
    Map<Integer, CompletableFuture<Integer>> running = new ConcurrentHashMap<>();
    TestProbe<Integer> started = testKit.createTestProbe();
    JobHandler<Integer, Integer> held =
        (item, context) -> {
          CompletableFuture<Integer> future = new CompletableFuture<>();
          running.put(item, future);
          started.ref().tell(item);
          return future;
        };
    CompletableFuture<PipelineSummary> result =
        Pipeline.create(testKit.system(), new PipelineSettings(5, 2, 8))
            .run(
                Source.range(0, 49)
                    .map(
                        i -> {
                          pulled.ref().tell(i);
                          return i;
                        }),
                held)
            .toCompletableFuture();

    started.receiveSeveralMessages(2, WAIT);
    // With both consumers stuck: two items with them, five in the queue, and the one the input
    // stream's sink holds while it waits for the producer's acknowledgement. Not one more.
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), pulled.receiveSeveralMessages(8, WAIT));
    pulled.expectNoMessage(Duration.ofMillis(300));

    running.get(0).complete(0);
    assertEquals(
        8, pulled.receiveMessage(WAIT), "one item taken from the queue makes room for exactly one");
    pulled.expectNoMessage(Duration.ofMillis(300));
    for (int i = 1; i < 50; i++) {
      while (!running.containsKey(i)) {
        started.receiveMessage(
            WAIT); // each wait is bounded; item i starts once an earlier one is done
      }
      running.get(i).complete(i);
    }
    PipelineSummary summary = result.get(10, TimeUnit.SECONDS);
    assertEquals(50, summary.produced());
    assertEquals(50, summary.consumed());
    assertEquals(5, summary.maxBacklog(), "the queue filled up to its capacity, never beyond");
  }

  @Test
  void aConsumerThatThrowsIsRestartedAndItsItemBecomesAFailure() throws Exception {
    IllegalStateException boom = new IllegalStateException("cannot consume item 3");
    JobHandler<Integer, Integer> picky =
        (item, context) -> {
          if (item == 3) {
            throw boom;
          }
          return CompletableFuture.completedFuture(item * 10);
        };
    List<Outcome<Integer>> outcomes = Collections.synchronizedList(new ArrayList<>());
    PipelineSummary summary =
        Pipeline.create(testKit.system(), new PipelineSettings(5, 1, 8))
            .run(Source.range(0, 9), picky, outcomes::add)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertEquals(10, summary.consumed(), "one consumer, restarted, consumed them all");
    assertEquals(1, summary.failed());
    Outcome.Failure<?> failure =
        outcomes.stream()
            .filter(o -> !o.isSuccess())
            .map(o -> (Outcome.Failure<?>) o)
            .findFirst()
            .orElseThrow();
    assertEquals(3, failure.index());
    assertEquals(ErrorKind.EXCEPTION, failure.kind());
    assertEquals(boom, failure.cause());
    assertEquals(10, outcomes.stream().map(Outcome::index).distinct().count());
  }

  @Test
  void aLogicThatReturnsNoStageFailsItsItemAndTheRestAreConsumed() throws Exception {
    JobHandler<Integer, Integer> forgetful =
        (item, context) ->
            item == 2
                ? null
                : CompletableFuture.supplyAsync(() -> item, Blocking.executor(testKit.system()));
    List<Outcome<Integer>> outcomes = Collections.synchronizedList(new ArrayList<>());
    PipelineSummary summary =
        Pipeline.create(testKit.system(), new PipelineSettings(5, 2, 8))
            .run(Source.range(0, 9), forgetful, outcomes::add)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertEquals(10, summary.consumed());
    assertEquals(1, summary.failed());
    Outcome.Failure<?> failure =
        outcomes.stream()
            .filter(o -> !o.isSuccess())
            .map(o -> (Outcome.Failure<?>) o)
            .findFirst()
            .orElseThrow();
    assertEquals(2, failure.index());
    assertEquals(ErrorKind.EXCEPTION, failure.kind());
    assertEquals(10, outcomes.stream().map(Outcome::index).distinct().count());
  }

  @Test
  void theMailboxBoundIsRealSoOnlyFlowControlKeepsMessagesSafe() throws Exception {
    LossWatch losses = watchLosses();
    CountDownLatch release = new CountDownLatch(1);
    TestProbe<String> handled = testKit.createTestProbe();
    // An actor with the pipeline's bounded mailbox that is stuck on its first message.
    ActorRef<String> stuck =
        testKit.spawn(
            Behaviors.receiveMessage(
                message -> {
                  release.await(5, TimeUnit.SECONDS);
                  handled.ref().tell(message);
                  return Behaviors.same();
                }),
            "stuck",
            new PipelineSettings(5, 2, 4).mailbox().withDispatcherFromConfig(Blocking.DISPATCHER));
    try {
      for (int i = 0; i < 10; i++) {
        stuck.tell("m" + i);
      }
      assertTrue(
          losses.deadLetters().receiveMessage(WAIT).message().toString().startsWith("m"),
          "a full bounded mailbox sends what does not fit to dead letters");
    } finally {
      release.countDown();
    }
    handled.receiveMessage(WAIT);
  }

  @Test
  void consumersRunOnTheConfiguredDispatcher() throws Exception {
    PipelineSettings configured = PipelineSettings.create(testKit.system());
    assertEquals(PipelineSettings.DEFAULT_DISPATCHER, configured.dispatcher());
    assertEquals(Set.of("default-dispatcher"), consumerThreads(configured));
    assertEquals(
        Set.of("fetchpipe.dispatcher"),
        consumerThreads(configured.withDispatcher("fetchpipe.dispatcher")));
  }

  /** The dispatcher names of the threads the consumer logic ran on. */
  private Set<String> consumerThreads(PipelineSettings settings) throws Exception {
    Set<String> dispatchers = ConcurrentHashMap.newKeySet();
    JobHandler<Integer, Integer> recordThread =
        (item, context) -> {
          String thread = Thread.currentThread().getName();
          dispatchers.add(
              thread.contains("fetchpipe.dispatcher")
                  ? "fetchpipe.dispatcher"
                  : thread.contains("default-dispatcher") ? "default-dispatcher" : thread);
          return CompletableFuture.completedFuture(item);
        };
    Pipeline.create(testKit.system(), settings)
        .run(Source.range(1, 50), recordThread)
        .toCompletableFuture()
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    return dispatchers;
  }
}
