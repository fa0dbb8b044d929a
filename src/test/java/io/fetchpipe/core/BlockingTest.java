package io.fetchpipe.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The seed's first pitfall, blocking the event loop: blocking work on the actors' default
 * dispatcher stops a timer-driven actor; the same work on the blocking dispatcher does not.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BlockingTest {
  private static final Duration TICK = Duration.ofMillis(20);

  private ActorTestKit testKit;

  @BeforeAll
  void start() {
    // One thread for the default dispatcher, as one event loop: blocking it blocks everything on
    // it.
    testKit =
        ActorTestKit.create(
            "blocking",
            ConfigFactory.parseString(
                    "pekko.actor.default-dispatcher.fork-join-executor { parallelism-min = 1, parallelism-max = 1 }")
                .withFallback(ActorTestKit.applicationTestConfig()));
  }

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
  }

  private Behavior<String> ticking(BlockingQueue<String> ticks) {
    return Behaviors.withTimers(
        timers -> {
          timers.startTimerWithFixedDelay("tick", TICK);
          return Behaviors.receiveMessage(
              tick -> {
                ticks.add("tick");
                return Behaviors.same();
              });
        });
  }

  private static String blockUntil(CountDownLatch started, CountDownLatch release) {
    started.countDown();
    try {
      release.await(10, TimeUnit.SECONDS);
      return "done";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  @Test
  void blockingWorkOnTheBlockingDispatcherLeavesTheActorsRunning() throws Exception {
    BlockingQueue<String> ticks = new LinkedBlockingQueue<>();
    testKit.spawn(ticking(ticks), "ticker-ok");
    assertNotNull(ticks.poll(3, TimeUnit.SECONDS));
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try {
      CompletableFuture<String> work =
          Blocking.run(testKit.system(), () -> blockUntil(started, release)).toCompletableFuture();
      assertTrue(started.await(3, TimeUnit.SECONDS));
      ticks.clear();
      for (int i = 0; i < 5; i++) {
        assertNotNull(ticks.poll(3, TimeUnit.SECONDS), "still ticking while the work blocks");
      }
      release.countDown();
      assertEquals("done", work.get(5, TimeUnit.SECONDS));
    } finally {
      release.countDown();
    }
  }

  @Test
  void blockingWorkOnTheDefaultDispatcherStopsTheActors() throws Exception {
    BlockingQueue<String> ticks = new LinkedBlockingQueue<>();
    testKit.spawn(ticking(ticks), "ticker-starved");
    assertNotNull(ticks.poll(3, TimeUnit.SECONDS));
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try {
      CompletableFuture<String> work =
          CompletableFuture.supplyAsync(
              () -> blockUntil(started, release), testKit.system().executionContext());
      assertTrue(started.await(3, TimeUnit.SECONDS));
      ticks.clear();
      assertNull(ticks.poll(300, TimeUnit.MILLISECONDS), "the only thread is blocked: no ticks");
      release.countDown();
      assertEquals("done", work.get(5, TimeUnit.SECONDS));
      assertNotNull(ticks.poll(3, TimeUnit.SECONDS), "and they resume");
    } finally {
      release.countDown();
    }
  }
}
