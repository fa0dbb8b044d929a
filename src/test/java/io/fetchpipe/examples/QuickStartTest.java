package io.fetchpipe.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.fetchpipe.core.Delay;
import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.Task;
import io.fetchpipe.core.TaskPool;
import io.fetchpipe.core.PoolSettings;
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
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The README's quick start, run as written (with the delays halved), in virtual time. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuickStartTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder()
      .withCustomConfig(ManualTime.config().withFallback(ActorTestKit.applicationTestConfig()))
      .build();

  // README: quick start begins
  static Task<String> fetchData(ActorSystem<?> system, String url, Duration delay) {
    return Task.of(() -> Delay.after(system, delay, () -> "data from " + url));
  }

  static Task<String> riskyTask(int n) {
    return Task.of(() -> n == 2
        ? CompletableFuture.failedFuture(new IllegalArgumentException("Error in task 2"))
        : CompletableFuture.completedFuture("result-" + n));
  }
  // README: quick start ends

  /** {@code task}, telling {@code started} once it has started, so its delay is scheduled. */
  private static Task<String> announced(TestProbe<String> started, Task<String> task) {
    return context -> {
      CompletionStage<String> result = task.start(context);
      started.ref().tell("started");
      return result;
    };
  }

  @Test
  void quickStartRunsAsDocumented() throws Exception {
    ActorSystem<?> system = testKit.system();
    ManualTime manualTime = ManualTime.get(system);
    TestProbe<String> started = testKit.createTestProbe();
    try (TaskPool pool = TaskPool.create(system, PoolSettings.create(system).withMaxConcurrency(5))) {
      CompletableFuture<List<Outcome<String>>> gathered = pool.gather(
              announced(started, fetchData(system, "api/users", Duration.ofMillis(1000))),
              announced(started, fetchData(system, "api/posts", Duration.ofMillis(1500))),
              announced(started, fetchData(system, "api/comments", Duration.ofMillis(500))))
          .toCompletableFuture();
      started.receiveSeveralMessages(3, WAIT);
      manualTime.timePasses(Duration.ofMillis(1499));
      assertFalse(gathered.isDone(), "gather waits for the slowest task (1.5 s)");
      // Concurrent: all three are done when the slowest is (1.5 s), not after the sum (3 s).
      manualTime.timePasses(Duration.ofMillis(1));
      List<Outcome<String>> results = gathered.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertEquals(List.of("data from api/users", "data from api/posts", "data from api/comments"),
          results.stream().map(Outcome::getOrThrow).toList(), "results in input order");

      TestProbe<String> completed = testKit.createTestProbe();
      pool.asCompleted(List.of(
              announced(started, fetchData(system, "api/users", Duration.ofMillis(200))),
              announced(started, fetchData(system, "api/posts", Duration.ofMillis(300))),
              announced(started, fetchData(system, "api/comments", Duration.ofMillis(100)))))
          .runWith(Sink.foreach(outcome -> completed.ref().tell(outcome.getOrThrow())), system);
      started.receiveSeveralMessages(3, WAIT);
      for (String next : List.of("data from api/comments", "data from api/users", "data from api/posts")) {
        manualTime.timePasses(Duration.ofMillis(100));
        assertEquals(next, completed.receiveMessage(WAIT), "as_completed yields the quickest first");
      }

      List<Outcome<String>> risky = pool.gather(riskyTask(1), riskyTask(2), riskyTask(3))
          .toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertEquals("result-1", risky.get(0).getOrThrow());
      assertEquals(ErrorKind.EXCEPTION, ((Outcome.Failure<String>) risky.get(1)).kind());
      assertEquals("result-3", risky.get(2).getOrThrow());
    }
  }
}
