package io.fetchpipe.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
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
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The seed's timing claims in virtual time: three tasks of 2 s, 3 s and 1 s finish together at 3 s
 * (not 6 s) with results in input order, and as_completed yields them at 1 s, 2 s and 3 s.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SeedTimingTest {
  private static final Duration PROPAGATION = Duration.ofSeconds(5);

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withCustomConfig(ManualTime.config().withFallback(ActorTestKit.applicationTestConfig()))
          .build();

  private ManualTime manualTime;
  private TaskPool pool;

  @BeforeAll
  void setUp() {
    manualTime = ManualTime.get(testKit.system());
    pool =
        TaskPool.create(
            testKit.system(), PoolSettings.create(testKit.system()).withMaxConcurrency(5));
  }

  @AfterAll
  void tearDown() {
    pool.close();
  }

  /** The seed's {@code fetch_data(url, delay)}: returns "data from url" after the delay. */
  private Task<String> fetchData(String url, int seconds) {
    return Task.of(
        () -> Delay.after(testKit.system(), Duration.ofSeconds(seconds), () -> "data from " + url));
  }

  @Test
  void gatherFinishesWithTheSlowestTaskAndKeepsInputOrder() throws Exception {
    TestProbe<String> starts = testKit.createTestProbe();
    CompletableFuture<List<Outcome<String>>> results =
        pool.gather(
                announced(starts, "api/users", 2),
                announced(starts, "api/posts", 3),
                announced(starts, "api/comments", 1))
            .toCompletableFuture();
    starts.receiveSeveralMessages(3, PROPAGATION);

    manualTime.timePasses(Duration.ofMillis(2999));
    assertFalse(results.isDone(), "gather must wait for the 3 s task");

    manualTime.timePasses(Duration.ofMillis(1));
    List<Outcome<String>> outcomes = results.get(PROPAGATION.toSeconds(), TimeUnit.SECONDS);
    assertEquals(
        List.of("data from api/users", "data from api/posts", "data from api/comments"),
        outcomes.stream().map(Outcome::getOrThrow).toList());
    assertEquals(List.of(0, 1, 2), outcomes.stream().map(Outcome::index).toList());
  }

  @Test
  void asCompletedYieldsFastestFirstAtOneTwoAndThreeSeconds() {
    TestProbe<String> starts = testKit.createTestProbe();
    TestProbe<Outcome<String>> probe = testKit.createTestProbe();
    pool.asCompleted(
            List.of(
                announced(starts, "api/users", 2),
                announced(starts, "api/posts", 3),
                announced(starts, "api/comments", 1)))
        .runWith(Sink.foreach(probe.ref()::tell), testKit.system());
    starts.receiveSeveralMessages(3, PROPAGATION);

    manualTime.timePasses(Duration.ofMillis(999));
    probe.expectNoMessage(Duration.ofMillis(100));
    manualTime.timePasses(Duration.ofMillis(1));
    assertEquals("data from api/comments", probe.receiveMessage(PROPAGATION).getOrThrow());

    manualTime.timePasses(Duration.ofMillis(999));
    probe.expectNoMessage(Duration.ofMillis(100));
    manualTime.timePasses(Duration.ofMillis(1));
    assertEquals("data from api/users", probe.receiveMessage(PROPAGATION).getOrThrow());

    manualTime.timePasses(Duration.ofMillis(999));
    probe.expectNoMessage(Duration.ofMillis(100));
    manualTime.timePasses(Duration.ofMillis(1));
    Outcome<String> last = probe.receiveMessage(PROPAGATION);
    assertEquals("data from api/posts", last.getOrThrow());
    assertEquals(1, last.index(), "a completion-order outcome still carries its input index");
  }

  @Test
  void oneAtATimeTakesTheSumOfTheDelays() throws Exception {
    // The seed's synchronous version, for contrast: one task at a time takes 2 + 3 + 1 = 6 s.
    TestProbe<String> starts = testKit.createTestProbe();
    TaskPool oneAtATime = TaskPool.create(testKit.system(), pool.settings().withMaxConcurrency(1));
    try {
      CompletableFuture<List<Outcome<String>>> results =
          oneAtATime
              .gather(
                  announced(starts, "api/users", 2),
                  announced(starts, "api/posts", 3),
                  announced(starts, "api/comments", 1))
              .toCompletableFuture();
      assertEquals("api/users", starts.receiveMessage(PROPAGATION));
      manualTime.timePasses(Duration.ofSeconds(2));
      assertEquals(
          "api/posts", starts.receiveMessage(PROPAGATION), "the second starts only at 2 s");
      manualTime.timePasses(Duration.ofSeconds(3));
      assertEquals(
          "api/comments", starts.receiveMessage(PROPAGATION), "the third starts only at 5 s");
      manualTime.timePasses(Duration.ofMillis(999));
      assertFalse(results.isDone());
      manualTime.timePasses(Duration.ofMillis(1));
      assertEquals(3, results.get(PROPAGATION.toSeconds(), TimeUnit.SECONDS).size());
    } finally {
      oneAtATime.close();
    }
  }

  /**
   * {@link #fetchData} that tells {@code starts} its URL once its delay is scheduled, so the test
   * moves virtual time only after every timer it means to fire is there.
   */
  private Task<String> announced(TestProbe<String> starts, String url, int seconds) {
    Task<String> fetch = fetchData(url, seconds);
    return context -> {
      CompletionStage<String> result = fetch.start(context);
      starts.ref().tell(url);
      return result;
    };
  }
}
