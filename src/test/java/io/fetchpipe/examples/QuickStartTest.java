package io.fetchpipe.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.core.Delay;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.Task;
import io.fetchpipe.core.TaskPool;
import io.fetchpipe.testing.OwnThread;
import io.fetchpipe.testing.PrintedLines;
import io.fetchpipe.testkit.VirtualTime;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The README's quick start, run as written on a thread of its own while the test moves virtual
 * time: it prints what the README says, each line at the virtual instant the seed's timings give.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuickStartTest {
  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(VirtualTime.config()).build();

  // README: quick start begins
  static Task<String> fetchData(ActorSystem<?> system, String url, Duration delay) {
    return Task.of(() -> Delay.after(system, delay, () -> "data from " + url));
  }

  static Task<String> riskyTask(int n) {
    return Task.of(() -> n == 2
        ? CompletableFuture.failedFuture(new IllegalArgumentException("Error in task 2"))
        : CompletableFuture.completedFuture("result-" + n));
  }

  static void quickStart(ActorSystem<?> system, PrintStream out) {
    try (TaskPool pool = TaskPool.create(system)) {            // Semaphore(5) from reference.conf
      // gather: about 3 s (the slowest), results in input order
      List<Outcome<String>> results = pool.gather(
              fetchData(system, "api/users", Duration.ofSeconds(2)),
              fetchData(system, "api/posts", Duration.ofSeconds(3)),
              fetchData(system, "api/comments", Duration.ofSeconds(1)))
          .toCompletableFuture().join();
      out.println(results.stream().map(Outcome::getOrThrow).toList());

      // as_completed: comments, users, posts
      pool.asCompleted(List.of(fetchData(system, "api/users", Duration.ofSeconds(2)),
                               fetchData(system, "api/posts", Duration.ofSeconds(3)),
                               fetchData(system, "api/comments", Duration.ofSeconds(1))))
          .runForeach(outcome -> out.println("Completed: " + outcome.getOrThrow()), system)
          .toCompletableFuture().join();

      // return_exceptions=True: [ok, error, ok] — a failure is a value
      for (Outcome<String> r : pool.gather(riskyTask(1), riskyTask(2), riskyTask(3)).toCompletableFuture().join()) {
        if (r instanceof Outcome.Failure<String> err) {
          out.println("Error: " + err.message() + " (" + err.kind().wireName() + ")");
        } else {
          out.println("OK: " + r.getOrThrow());
        }
      }
    }
  }
  // README: quick start ends

  @Test
  void theQuickStartPrintsWhatTheReadmeSaysWhenTheSeedSays() throws Exception {
    ActorSystem<?> system = testKit.system();
    VirtualTime time = VirtualTime.of(system);
    PrintedLines printed = PrintedLines.since(time);
    OwnThread<Void> quickStart =
        OwnThread.start(
            "quick-start",
            () -> {
              quickStart(system, printed.out());
              return null;
            });

    // Time moves only while the quick start's thread waits in a join: its timers are scheduled.
    time.advance(Duration.ofMillis(2999), quickStart::waiting);
    assertEquals(0, printed.count(), "gather waits for its slowest task");
    time.advance(Duration.ofMillis(1));
    time.await("the gather's results printed", () -> printed.count() == 1);
    time.advance(
        Duration.ofSeconds(3), quickStart::waiting); // as_completed's tasks end 1, 2 and 3 s later
    quickStart.result(Duration.ofSeconds(10));

    List<String> expected =
        List.of(
            "[data from api/users, data from api/posts, data from api/comments]",
            "Completed: data from api/comments",
            "Completed: data from api/users",
            "Completed: data from api/posts",
            "OK: result-1",
            "Error: Error in task 2 (exception)",
            "OK: result-3");
    assertEquals(expected, printed.texts());
    assertEquals(
        Stream.of(3, 4, 5, 6, 6, 6, 6).map(Duration::ofSeconds).toList(),
        printed.instants(),
        "gather at 3 s (the slowest of 2, 3 and 1 s, not their sum), each as_completed result when its task ends");
    assertTrue(
        Files.readString(Path.of("README.md")).contains(String.join("\n", expected)),
        "the README shows what the quick start prints");
  }
}
