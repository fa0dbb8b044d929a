package io.fetchpipe.testkit;

// docs/testing.md: testing in virtual time begins
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.fetchpipe.core.Delay;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.Task;
import io.fetchpipe.core.TaskPool;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VirtualTimeExampleTest {
  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(VirtualTime.config()).build();

  /** The seed's fetch_data: answers after a delay with the virtual instant it answered at. */
  private Task<Duration> fetchData(VirtualTime time, TestProbe<String> scheduled, String url, int seconds) {
    return Task.of(() -> {
      CompletionStage<Duration> answer = Delay.after(testKit.system(), Duration.ofSeconds(seconds), time::now);
      scheduled.ref().tell(url); // the timer is scheduled: virtual time may move
      return answer;
    });
  }

  @Test
  void gatherFinishesWithTheSlowestTaskAtThreeSeconds() throws Exception {
    VirtualTime time = VirtualTime.of(testKit.system());
    TestProbe<String> scheduled = testKit.createTestProbe();
    try (TaskPool pool = TaskPool.create(testKit.system())) {
      Duration start = time.now();
      CompletableFuture<List<Outcome<Duration>>> results = pool.gather(
              fetchData(time, scheduled, "api/users", 2),
              fetchData(time, scheduled, "api/posts", 3),
              fetchData(time, scheduled, "api/comments", 1))
          .toCompletableFuture();

      // Advance only after the probe shows every timer is scheduled.
      scheduled.receiveSeveralMessages(3, Duration.ofSeconds(10));
      time.advance(Duration.ofMillis(2999));
      assertFalse(results.isDone(), "gather waits for its slowest task");
      time.advance(Duration.ofMillis(1));

      List<Duration> answeredAt = results.get(5, TimeUnit.SECONDS).stream()
          .map(outcome -> outcome.getOrThrow().minus(start))
          .toList();
      assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(1)), answeredAt);
    }
  }
}
// docs/testing.md: testing in virtual time ends
