package io.fetchpipe.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** asCompleted as a stream and to an actor, the request flow, and the blocking entry point. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamingTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private PoolSettings settings(int maxConcurrency) {
    return PoolSettings.create(testKit.system()).withMaxConcurrency(maxConcurrency);
  }

  /** A pool whose jobs are {@code recorder}'s tasks, at most {@code maxConcurrency} at once. */
  private JobPool<Integer, String> recordingPool(TaskRecorder recorder, int maxConcurrency) {
    return JobPool.create(
        testKit.system(), settings(maxConcurrency), (n, context) -> recorder.start(context));
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void cancellingTheAsCompletedStreamCancelsTheUnfinishedTasks() throws Exception {
    TestProbe<Object> events = testKit.createTestProbe();
    TaskRecorder recorder = new TaskRecorder(events);
    try (TaskPool pool = TaskPool.create(testKit.system(), settings(2))) {
      Pair<GatherControl, CompletionStage<List<Outcome<String>>>> run =
          pool.asCompleted(recorder.tasks(5))
              .take(1)
              .toMat(Sink.seq(), Keep.both())
              .run(testKit.system());
      recorder.expectStart(WAIT);
      recorder.expectStart(WAIT);
      recorder.complete(1);

      List<Outcome<String>> taken = await(run.second());
      assertEquals(List.of(1), taken.stream().map(Outcome::index).toList());
      await(run.first().whenDone());
      // The slot freed by task 1 may go to task 2 before the cancellation arrives; whatever was
      // running is cancelled, and nothing starts after that.
      Set<Integer> cancelled = new HashSet<>();
      Set<Integer> started = new HashSet<>(Set.of(0));
      for (Object event : events.receiveSeveralMessages(recorder.starts() == 3 ? 3 : 1, WAIT)) {
        if (event instanceof TaskRecorder.Started s) {
          started.add(s.index());
        } else {
          cancelled.add(((TaskRecorder.Cancelled) event).index());
        }
      }
      events.expectNoMessage(Duration.ofMillis(200));
      assertEquals(started, cancelled, "every task still running is cancelled");
      assertTrue(recorder.starts() <= 3, "no task starts after the cancellation");
    }
  }

  @Test
  void asCompletedCanDeliverToAnActor() throws Exception {
    TestProbe<Outcome<Integer>> listener = testKit.createTestProbe();
    try (TaskPool pool = TaskPool.create(testKit.system(), settings(3))) {
      List<Task<Integer>> tasks = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        int value = i * 10;
        tasks.add(Task.of(() -> CompletableFuture.completedFuture(value)));
      }
      GatherControl control = pool.asCompleted(tasks, GatherOptions.defaults(), listener.ref());
      Set<Integer> values = new HashSet<>();
      for (int i = 0; i < 3; i++) {
        values.add(listener.receiveMessage(WAIT).getOrThrow());
      }
      assertEquals(Set.of(0, 10, 20), values);
      await(control.whenDone());
      listener.expectNoMessage(Duration.ofMillis(100));
    }
  }

  /** Doubles n after (9 - n) × 30 ms: the later the element, the sooner it finishes. */
  private JobPool<Integer, Integer> reversingPool() {
    return JobPool.create(
        testKit.system(),
        settings(10),
        (n, context) ->
            Delay.after(testKit.system(), Duration.ofMillis((9 - n) * 30L), () -> n * 2));
  }

  @Test
  void theOrderedFlowEmitsInInputOrderWhileTheUnorderedOneEmitsAsTheyFinish() throws Exception {
    try (JobPool<Integer, Integer> pool = reversingPool()) {
      List<Integer> input = List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
      List<Completed<Integer, Integer>> ordered =
          await(
              Source.from(input)
                  .via(pool.flow(Order.INPUT, 16))
                  .runWith(Sink.seq(), testKit.system()));
      assertEquals(input, ordered.stream().map(Completed::request).toList());
      assertEquals(input, ordered.stream().map(p -> p.outcome().index()).toList());
      assertEquals(
          List.of(0, 2, 4, 6, 8, 10, 12, 14, 16, 18),
          ordered.stream().map(p -> p.outcome().getOrThrow()).toList());

      List<Completed<Integer, Integer>> unordered =
          await(
              Source.from(input)
                  .via(pool.flow(Order.COMPLETION, 16))
                  .runWith(Sink.seq(), testKit.system()));
      assertEquals(
          Set.copyOf(input),
          unordered.stream().map(Completed::request).collect(Collectors.toSet()));
      assertEquals(10, unordered.size());
      assertEquals(9, unordered.get(0).request(), "the quickest element comes first");
    }
  }

  @Test
  void inInputOrderASlowHeadLetsTheOthersRunUntilTheWindowIsFull() throws Exception {
    TestProbe<Object> events = testKit.createTestProbe();
    TaskRecorder recorder = new TaskRecorder(events);
    try (JobPool<Integer, String> pool = recordingPool(recorder, 10)) {
      CompletionStage<List<Completed<Integer, String>>> result =
          Source.range(0, 19).via(pool.flow(Order.INPUT, 4)).runWith(Sink.seq(), testKit.system());
      Set<Integer> started = new HashSet<>();
      for (int i = 0; i < 4; i++) {
        started.add(recorder.expectStart(WAIT));
      }
      assertEquals(Set.of(0, 1, 2, 3), started);
      for (int i = 1; i < 4; i++) {
        recorder.complete(i); // finished behind the slow head, they wait in the window
      }
      events.expectNoMessage(Duration.ofMillis(300)); // the window is full: nothing new starts
      recorder.complete(0);
      for (int next = 4; next < 20; next++) {
        int index = recorder.expectStart(WAIT);
        recorder.complete(index);
      }
      List<Completed<Integer, String>> outcomes = await(result);
      assertEquals(20, outcomes.size());
      for (int i = 0; i < 20; i++) {
        assertEquals(i, outcomes.get(i).request(), "input order");
      }
    }
  }

  @Test
  void aStoppedFlowCancelsTheJobsItLeftRunning() throws Exception {
    TestProbe<Object> events = testKit.createTestProbe();
    TaskRecorder recorder = new TaskRecorder(events);
    try (JobPool<Integer, String> pool = recordingPool(recorder, 3)) {
      // Three elements in a window of three: all of them run, so no element can be submitted
      // while the stream is stopping, and the events below are the complete story.
      CompletionStage<List<Completed<Integer, String>>> firstOnly =
          Source.range(0, 2)
              .via(pool.flow(Order.COMPLETION, 3))
              .take(1)
              .runWith(Sink.seq(), testKit.system());
      Set<Integer> started = new HashSet<>();
      for (int i = 0; i < 3; i++) {
        started.add(recorder.expectStart(WAIT));
      }
      assertEquals(Set.of(0, 1, 2), started);
      recorder.complete(0);
      assertEquals(0, await(firstOnly).get(0).request());
      Set<Integer> cancelled = new HashSet<>();
      for (int i = 0; i < 2; i++) {
        cancelled.add(events.expectMessageClass(TaskRecorder.Cancelled.class, WAIT).index());
      }
      assertEquals(Set.of(1, 2), cancelled, "the jobs still running when the stream stopped");
      events.expectNoMessage(Duration.ofMillis(200));
    }
  }

  @Test
  void anAbortedFlowNeverStartsTheJobsStillQueued() throws Exception {
    TestProbe<Object> events = testKit.createTestProbe();
    TaskRecorder recorder = new TaskRecorder(events);
    try (JobPool<Integer, String> pool = recordingPool(recorder, 1)) {
      // One job at a time in a window of three: element 0 runs, 1 and 2 wait in the router (or have
      // not been submitted yet); stopping the stream must cancel 0 and start neither of the others.
      Pair<UniqueKillSwitch, CompletionStage<List<Completed<Integer, String>>>> run =
          Source.range(0, 2)
              .via(pool.flow(Order.COMPLETION, 3))
              .viaMat(KillSwitches.single(), Keep.right())
              .toMat(Sink.seq(), Keep.both())
              .run(testKit.system());
      assertEquals(0, recorder.expectStart(WAIT));
      run.first().shutdown();
      assertEquals(List.of(), await(run.second()));
      assertEquals(0, events.expectMessageClass(TaskRecorder.Cancelled.class, WAIT).index());
      events.expectNoMessage(Duration.ofMillis(300));
      assertEquals(1, recorder.starts());
    }
  }

  @Test
  void aFailFastFlowCancelsTheRestButStillEmitsOneOutcomePerElement() throws Exception {
    AtomicInteger starts = new AtomicInteger();
    PoolSettings twoAtATime = settings(2);
    try (JobPool<Integer, Integer> pool =
        JobPool.create(
            testKit.system(),
            twoAtATime,
            (n, context) -> {
              starts.incrementAndGet();
              return n == 0
                  ? CompletableFuture.failedFuture(new IllegalStateException("first element broke"))
                  : new CompletableFuture<>(); // the others would run forever
            })) {
      List<Completed<Integer, Integer>> outcomes =
          await(
              Source.range(0, 9)
                  .via(pool.flow(Order.INPUT, 4, GatherOptions.defaults().withFailFast(true)))
                  .runWith(Sink.seq(), testKit.system()));
      assertEquals(10, outcomes.size());
      assertEquals(ErrorKind.EXCEPTION, ((Outcome.Failure<?>) outcomes.get(0).outcome()).kind());
      for (int i = 1; i < 10; i++) {
        Outcome.Failure<?> failure = (Outcome.Failure<?>) outcomes.get(i).outcome();
        assertEquals(ErrorKind.CANCELLED, failure.kind(), "element " + i);
        assertEquals("cancelled after item 0 failed", failure.message());
      }
      assertTrue(
          starts.get() <= 2,
          "at most the two elements running with the failure started, got " + starts.get());
    }
  }

  @Test
  void gatherBlockingReturnsEveryOutcomeAndTimesOutTheRest() throws Exception {
    try (TaskPool pool = TaskPool.create(testKit.system(), settings(2))) {
      List<Task<String>> tasks =
          List.of(
              Task.of(() -> CompletableFuture.completedFuture("quick")),
              Task.of(CompletableFuture::new));
      List<Outcome<String>> outcomes = pool.gatherBlocking(tasks, Duration.ofMillis(300));
      assertEquals("quick", outcomes.get(0).getOrThrow());
      assertEquals(ErrorKind.TIMEOUT, ((Outcome.Failure<?>) outcomes.get(1)).kind());
    }
  }

  @Test
  void startRunsOneTaskLikeCreateTask() throws Exception {
    try (TaskPool pool = TaskPool.create(testKit.system(), settings(1))) {
      assertEquals(
          "hello", await(pool.start(Task.of(() -> CompletableFuture.completedFuture("hello")))));
    }
  }
}
