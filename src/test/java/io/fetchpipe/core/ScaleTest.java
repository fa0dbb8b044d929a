package io.fetchpipe.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.DeadLetter;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** 100 000 trivial tasks: every index comes back exactly once, and no message is lost. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScaleTest {
  private static final int COUNT = 100_000;

  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private TaskPool pool;
  private TestProbe<DeadLetter> deadLetters;
  private TestProbe<Dropped> dropped;

  @BeforeAll
  void setUp() {
    pool =
        TaskPool.create(
            testKit.system(), PoolSettings.create(testKit.system()).withMaxConcurrency(64));
    deadLetters = testKit.createTestProbe();
    dropped = testKit.createTestProbe();
    testKit
        .system()
        .eventStream()
        .tell(new EventStream.Subscribe<>(DeadLetter.class, deadLetters.ref()));
    testKit.system().eventStream().tell(new EventStream.Subscribe<>(Dropped.class, dropped.ref()));
  }

  @AfterAll
  void tearDown() {
    pool.close();
  }

  private static List<Task<Integer>> trivialTasks(int count) {
    List<Task<Integer>> tasks = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Integer value = i;
      tasks.add(Task.of(() -> CompletableFuture.completedFuture(value)));
    }
    return tasks;
  }

  private void expectNothingLost() {
    deadLetters.expectNoMessage(Duration.ofMillis(200));
    dropped.expectNoMessage(Duration.ofMillis(10));
  }

  @Test
  void gatherOfAHundredThousandTasksReturnsEveryIndexOnceInOrder() throws Exception {
    List<Outcome<Integer>> outcomes =
        pool.gather(trivialTasks(COUNT)).toCompletableFuture().get(60, TimeUnit.SECONDS);
    assertEquals(COUNT, outcomes.size());
    for (int i = 0; i < COUNT; i++) {
      assertEquals(i, outcomes.get(i).index());
      assertEquals(i, outcomes.get(i).getOrThrow());
    }
    expectNothingLost();
  }

  @Test
  void asCompletedOfAHundredThousandTasksYieldsEveryIndexExactlyOnce() throws Exception {
    List<Outcome<Integer>> outcomes =
        pool.asCompleted(trivialTasks(COUNT))
            .runWith(Sink.seq(), testKit.system())
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
    BitSet seen = new BitSet(COUNT);
    for (Outcome<Integer> outcome : outcomes) {
      assertTrue(outcome.isSuccess());
      assertTrue(!seen.get(outcome.index()), "index " + outcome.index() + " twice");
      seen.set(outcome.index());
    }
    assertEquals(COUNT, seen.cardinality());
    expectNothingLost();
  }

  @Test
  void manyConcurrentGathersEachGetAllTheirOutcomes() throws Exception {
    List<CompletableFuture<List<Outcome<Integer>>>> gathers = new ArrayList<>();
    for (int g = 0; g < 50; g++) {
      gathers.add(pool.gather(trivialTasks(1_000)).toCompletableFuture());
    }
    for (CompletableFuture<List<Outcome<Integer>>> gather : gathers) {
      List<Outcome<Integer>> outcomes = gather.get(60, TimeUnit.SECONDS);
      assertEquals(1_000, outcomes.size());
      for (int i = 0; i < outcomes.size(); i++) {
        assertEquals(i, outcomes.get(i).getOrThrow());
      }
    }
    expectNothingLost();
  }
}
