package io.fetchpipe.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.core.Blocking;
import io.fetchpipe.core.JobPool;
import io.fetchpipe.core.Order;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.core.RateLimit;
import io.fetchpipe.core.Task;
import io.fetchpipe.core.TaskPool;
import io.fetchpipe.testing.OwnThread;
import io.fetchpipe.testing.PrintedLines;
import io.fetchpipe.testkit.VirtualTime;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The examples of docs/pools.md, in virtual time. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoolsExamplesTest {
  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(VirtualTime.config()).build();

  // docs/pools.md: settings and a flow begins
  static void printLengths(ActorSystem<?> system, List<String> words, PrintStream out) {
    PoolSettings settings = PoolSettings.create(system)          // fetchpipe.pool in reference.conf
        .withMaxConcurrency(64)                                   // asyncio.Semaphore(64)
        .withRate(RateLimit.parse("20/s").withBurst(5))           // token bucket; every attempt counts
        .withMaxPerKey(4).withMaxRatePerKey(RateLimit.parse("2/s")) // per key: for fetches, per host
        .withTaskTimeout(Duration.ofSeconds(10));
    try (JobPool<String, Integer> lengths = JobPool.create(system, settings, (text, context) ->
        CompletableFuture.completedFuture(text.length()))) {
      Source.from(words).via(lengths.flow(Order.COMPLETION, 128))
          .runForeach(done -> out.println(done.request() + " -> " + done.outcome().getOrThrow()), system)
          .toCompletableFuture().join();
    }
  }
  // docs/pools.md: settings and a flow ends

  @Test
  void aFlowThroughAPoolGivesEveryWordItsLengthAtTheRatesPace() throws Exception {
    ActorSystem<?> system = testKit.system();
    VirtualTime time = VirtualTime.of(system);
    PrintedLines printed = PrintedLines.since(time);
    List<String> words = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      words.add("w".repeat(i + 1));
    }
    OwnThread<Void> run =
        OwnThread.start(
            "lengths",
            () -> {
              printLengths(system, words, printed.out());
              return null;
            });

    Duration took = run.advanceUntil(time, () -> printed.count() == 25, Duration.ofSeconds(10));
    run.result(Duration.ofSeconds(10));

    assertEquals(
        words.stream().map(word -> word + " -> " + word.length()).sorted().toList(),
        printed.texts().stream().sorted().toList(),
        "one line per word, with its length");
    List<Duration> expected = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      expected.add(
          Duration.ofMillis(
              i < 5 ? 0 : 50L * (i - 4))); // the burst of five at once, then 20 a second
    }
    assertEquals(expected, printed.instants().stream().sorted().toList());
    assertEquals(Duration.ofSeconds(1), took);
  }

  /** A database row (a stand-in for the example's). */
  record Row(String text) {}

  /**
   * A blocking database client (a stand-in): a query holds its thread until the test answers it.
   */
  static final class Jdbc {
    private final CountDownLatch running = new CountDownLatch(1);
    private final CountDownLatch answered = new CountDownLatch(1);
    private volatile String thread;

    Row queryOne(String sql) throws InterruptedException {
      thread = Thread.currentThread().getName();
      running.countDown();
      if (!answered.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never answered: " + sql);
      }
      return new Row("one row of " + sql);
    }
  }

  @Test
  void blockingWorkRunsOnTheBlockingDispatcherWhileThePoolGoesOn() throws Exception {
    ActorSystem<?> system = testKit.system();
    Jdbc jdbc = new Jdbc();
    String sql = "select 1";
    try (TaskPool pool = TaskPool.create(system)) {
      // docs/pools.md: blocking work begins
      Task<Row> query = Task.of(() -> Blocking.run(system, () -> jdbc.queryOne(sql)));
      // docs/pools.md: blocking work ends
      CompletableFuture<Row> row = pool.start(query).toCompletableFuture();
      assertTrue(jdbc.running.await(10, TimeUnit.SECONDS), "the query runs");

      assertEquals(
          "meanwhile",
          pool.start(Task.of(() -> CompletableFuture.completedFuture("meanwhile")))
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS),
          "the pool's other tasks go on while the query blocks");
      jdbc.answered.countDown();
      assertEquals(new Row("one row of select 1"), row.get(10, TimeUnit.SECONDS));
      assertTrue(jdbc.thread.contains(Blocking.DISPATCHER), "ran on " + jdbc.thread);
    }
  }
}
