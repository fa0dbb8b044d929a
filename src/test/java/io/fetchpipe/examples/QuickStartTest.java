package io.fetchpipe.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.core.Delay;
import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.Task;
import io.fetchpipe.core.TaskPool;
import io.fetchpipe.core.PoolSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The README's quick start, run as written (with the delays halved). */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuickStartTest {
  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().build();

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

  @Test
  void quickStartRunsAsDocumented() throws Exception {
    ActorSystem<?> system = testKit.system();
    try (TaskPool pool = TaskPool.create(system, PoolSettings.create(system).withMaxConcurrency(5))) {
      long start = System.nanoTime();
      List<Outcome<String>> results = pool.gather(
              fetchData(system, "api/users", Duration.ofMillis(1000)),
              fetchData(system, "api/posts", Duration.ofMillis(1500)),
              fetchData(system, "api/comments", Duration.ofMillis(500)))
          .toCompletableFuture().get(5, TimeUnit.SECONDS);
      double seconds = (System.nanoTime() - start) / 1e9;
      assertEquals("data from api/users", results.get(0).getOrThrow());
      assertTrue(seconds >= 1.5 && seconds < 2.5,
          "concurrent: about the slowest task (1.5 s), not the sum (3 s); took " + seconds);

      List<String> order = new ArrayList<>();
      pool.asCompleted(List.of(
              fetchData(system, "api/users", Duration.ofMillis(200)),
              fetchData(system, "api/posts", Duration.ofMillis(300)),
              fetchData(system, "api/comments", Duration.ofMillis(100))))
          .runWith(Sink.foreach(outcome -> order.add(outcome.getOrThrow())), system)
          .toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertEquals(List.of("data from api/comments", "data from api/users", "data from api/posts"), order);

      List<Outcome<String>> risky = pool.gather(riskyTask(1), riskyTask(2), riskyTask(3))
          .toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertEquals("result-1", risky.get(0).getOrThrow());
      assertEquals(ErrorKind.EXCEPTION, ((Outcome.Failure<String>) risky.get(1)).kind());
      assertEquals("result-3", risky.get(2).getOrThrow());
    }
  }
}
