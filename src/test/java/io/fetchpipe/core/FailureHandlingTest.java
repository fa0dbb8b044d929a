package io.fetchpipe.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * return_exceptions=True and its relatives: failures as values, fail-fast gathers, timeouts,
 * deadlines and cancellation, each leaving exactly one outcome per item.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailureHandlingTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withCustomConfig(ManualTime.config().withFallback(ActorTestKit.applicationTestConfig()))
          .build();

  @Test
  void aCrashedWorkersPendingTimeoutNeverReachesItsNextJob() throws Exception {
    TestProbe<Object> events = testKit.createTestProbe();
    TaskRecorder recorder = new TaskRecorder(events);
    GatherOptions oneSecond = GatherOptions.defaults().withTaskTimeout(Duration.ofSeconds(1));
    Task<String> throwing =
        context -> {
          throw new IllegalStateException("thrown at once");
        };
    // One worker: the throw restarts it while the first job's timeout is pending; the restarted
    // worker numbers its jobs afresh, so that stale timer must not end the next job early.
    try (TaskPool pool = pool(1)) {
      List<Outcome<String>> first = await(pool.gather(List.of(throwing), oneSecond));
      assertEquals(ErrorKind.EXCEPTION, ((Outcome.Failure<?>) first.get(0)).kind());
      manualTime.timePasses(Duration.ofMillis(500));
      CompletableFuture<List<Outcome<String>>> second =
          pool.gather(recorder.tasks(1), oneSecond).toCompletableFuture();
      assertEquals(0, recorder.expectStart(WAIT));
      manualTime.timePasses(
          Duration.ofMillis(600)); // past the first job's deadline, not this one's
      events.expectNoMessage(Duration.ofMillis(200));
      assertFalse(second.isDone(), "the second job is still within its own second");
      manualTime.timePasses(Duration.ofMillis(400));
      assertEquals(new TaskRecorder.Cancelled(0), events.receiveMessage(WAIT));
      assertEquals(ErrorKind.TIMEOUT, ((Outcome.Failure<?>) await(second).get(0)).kind());
    }
  }

  @Test
  void aLateCompletionFromBeforeARestartIsNeverCreditedToTheRestartedWorkersJob() throws Exception {
    TestProbe<String> handled = testKit.createTestProbe();
    TestProbe<Outcome<String>> outcomes = testKit.createTestProbe();
    Map<String, CompletableFuture<String>> results = new ConcurrentHashMap<>();
    JobHandler<String, String> scripted =
        (request, context) -> {
          handled.ref().tell(request);
          if (request.equals("B")) {
            throw new IllegalStateException("B throws at once");
          }
          CompletableFuture<String> result = new CompletableFuture<>();
          results.put(request, result);
          // Work that cancelling cannot stop: its value may still come after its timeout.
          return result.minimalCompletionStage();
        };
    PoolSettings oneWorker = PoolSettings.create(testKit.system()).withMaxConcurrency(1);
    try (JobPool<String, String> pool = JobPool.create(testKit.system(), oneWorker, scripted)) {
      pool.asCompleted(
          List.of("A"),
          GatherOptions.defaults().withTaskTimeout(Duration.ofSeconds(1)),
          outcomes.ref());
      handled.expectMessage(WAIT, "A"); // its timeout was scheduled before the handler ran
      manualTime.timePasses(Duration.ofSeconds(1));
      assertEquals(ErrorKind.TIMEOUT, ((Outcome.Failure<?>) outcomes.receiveMessage(WAIT)).kind());

      // B crashes the one worker; the restarted instance runs C, its first job.
      pool.asCompleted(List.of("B"), GatherOptions.defaults(), outcomes.ref());
      handled.expectMessage(WAIT, "B");
      assertEquals(
          ErrorKind.EXCEPTION, ((Outcome.Failure<?>) outcomes.receiveMessage(WAIT)).kind());
      pool.asCompleted(List.of("C"), GatherOptions.defaults(), outcomes.ref());
      handled.expectMessage(WAIT, "C");

      results.get("A").complete("value of A");
      outcomes.expectNoMessage(
          Duration.ofMillis(200)); // A has its outcome already; C is still running
      results.get("C").complete("value of C");
      assertEquals(
          "value of C", outcomes.receiveMessage(WAIT).getOrThrow(), "C ends with its own value");
      outcomes.expectNoMessage(Duration.ofMillis(200));
    }
  }

  private ManualTime manualTime;

  @BeforeAll
  void setUp() {
    manualTime = ManualTime.get(testKit.system());
  }

  private TaskPool pool(int maxConcurrency) {
    return TaskPool.create(
        testKit.system(), PoolSettings.create(testKit.system()).withMaxConcurrency(maxConcurrency));
  }

  private static Task<String> ok(String value) {
    return Task.of(() -> CompletableFuture.completedFuture(value));
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void aSynchronousThrowBecomesAFailureValueAndTheRestStillRun() throws Exception {
    IllegalStateException boom = new IllegalStateException("Error in task 2");
    Task<String> throwing =
        context -> {
          throw boom;
        };
    // One worker: it crashes on item 1, is restarted, and must still run item 2.
    try (TaskPool pool = pool(1)) {
      List<Outcome<String>> outcomes = await(pool.gather(ok("result-1"), throwing, ok("result-3")));
      assertEquals("result-1", outcomes.get(0).getOrThrow());
      Outcome.Failure<String> failure = assertInstanceOf(Outcome.Failure.class, outcomes.get(1));
      assertEquals(ErrorKind.EXCEPTION, failure.kind());
      assertEquals("Error in task 2", failure.message());
      assertSame(boom, failure.cause());
      assertEquals("result-3", outcomes.get(2).getOrThrow());
    }
  }

  @Test
  void aFailedFutureBecomesAFailureValue() throws Exception {
    Task<String> failing =
        Task.of(() -> CompletableFuture.failedFuture(new IllegalArgumentException("bad input")));
    try (TaskPool pool = pool(5)) {
      List<Outcome<String>> outcomes = await(pool.gather(ok("result-1"), failing, ok("result-3")));
      assertEquals(List.of(true, false, true), outcomes.stream().map(Outcome::isSuccess).toList());
      Outcome.Failure<?> failure = (Outcome.Failure<?>) outcomes.get(1);
      assertEquals(ErrorKind.EXCEPTION, failure.kind());
      assertEquals("bad input", failure.message());
      assertInstanceOf(IllegalArgumentException.class, failure.cause());
    }
  }

  @Test
  void aTaskFailureKeepsItsKind() throws Exception {
    Task<String> refused =
        Task.of(
            () ->
                CompletableFuture.failedFuture(
                    new TaskFailure(ErrorKind.of("connect"), "refused")));
    try (TaskPool pool = pool(5)) {
      Outcome<String> outcome = await(pool.gather(refused)).get(0);
      assertEquals(ErrorKind.of("connect"), ((Outcome.Failure<?>) outcome).kind());
    }
  }

  @Test
  void gatherOrFailFailsAtTheFirstErrorCancelsRunningTasksAndStartsNoMore() throws Exception {
    TestProbe<Object> events = testKit.createTestProbe();
    TaskRecorder recorder = new TaskRecorder(events);
    try (TaskPool pool = pool(2)) {
      CompletableFuture<List<String>> result =
          pool.gatherOrFail(recorder.tasks(6)).toCompletableFuture();
      // Two workers: items 0 and 1 start together, in either order.
      assertEquals(Set.of(0, 1), Set.of(recorder.expectStart(WAIT), recorder.expectStart(WAIT)));

      recorder.fail(1, new IllegalStateException("item 1 broke"));

      ExecutionException thrown =
          assertThrows(ExecutionException.class, () -> result.get(5, TimeUnit.SECONDS));
      GatherFailedException failed =
          assertInstanceOf(GatherFailedException.class, thrown.getCause());
      assertEquals(1, failed.failure().index());
      assertEquals("item 1 broke", failed.failure().message());
      assertEquals(
          new TaskRecorder.Cancelled(0),
          events.receiveMessage(WAIT),
          "the running task is cancelled");
      events.expectNoMessage(Duration.ofMillis(300));
      assertEquals(2, recorder.starts(), "the waiting tasks never start");
    }
  }

  @Test
  void gatherOrFailReturnsValuesInInputOrderWhenAllSucceed() throws Exception {
    try (TaskPool pool = pool(2)) {
      assertEquals(
          List.of("a", "b", "c"), await(pool.gatherOrFail(List.of(ok("a"), ok("b"), ok("c")))));
    }
  }

  @Test
  void aTimedOutTaskFailsWithTimeoutAndFreesItsSlot() throws Exception {
    TestProbe<Object> events = testKit.createTestProbe();
    TaskRecorder recorder = new TaskRecorder(events);
    try (TaskPool pool = pool(1)) {
      CompletableFuture<List<Outcome<String>>> result =
          pool.gather(
                  recorder.tasks(2),
                  GatherOptions.defaults().withTaskTimeout(Duration.ofSeconds(1)))
              .toCompletableFuture();
      assertEquals(0, recorder.expectStart(WAIT));
      manualTime.timePasses(Duration.ofMillis(999));
      events.expectNoMessage(Duration.ofMillis(100));
      manualTime.timePasses(Duration.ofMillis(1));
      assertEquals(
          new TaskRecorder.Cancelled(0),
          events.receiveMessage(WAIT),
          "a timed-out task is cancelled");
      assertEquals(1, recorder.expectStart(WAIT), "its slot goes to the next task");
      recorder.complete(1);

      List<Outcome<String>> outcomes = result.get(5, TimeUnit.SECONDS);
      Outcome.Failure<?> timedOut = (Outcome.Failure<?>) outcomes.get(0);
      assertEquals(ErrorKind.TIMEOUT, timedOut.kind());
      assertEquals("timed out after 1s", timedOut.message());
      assertEquals("value-1", outcomes.get(1).getOrThrow());
    }
  }

  @Test
  void aFinishedTaskIsNotCancelledWhenItsTimeoutComesDueLater() throws Exception {
    TestProbe<Object> events = testKit.createTestProbe();
    TaskRecorder recorder = new TaskRecorder(events);
    GatherOptions oneSecond = GatherOptions.defaults().withTaskTimeout(Duration.ofSeconds(1));
    try (TaskPool pool = pool(1)) {
      CompletableFuture<List<Outcome<String>>> first =
          pool.gather(recorder.tasks(1), oneSecond).toCompletableFuture();
      assertEquals(0, recorder.expectStart(WAIT)); // its timeout was scheduled before it started
      recorder.complete(0);
      assertEquals("value-0", await(first).get(0).getOrThrow());
      // The one worker is idle; the finished run's timer comes due: its hooks must not run.
      manualTime.timePasses(Duration.ofSeconds(1));
      events.expectNoMessage(Duration.ofMillis(200));

      CompletableFuture<List<Outcome<String>>> second =
          pool.gather(recorder.tasks(1), oneSecond).toCompletableFuture();
      assertEquals(0, recorder.expectStart(WAIT));
      recorder.complete(0);
      assertEquals(
          "value-0", await(second).get(0).getOrThrow(), "the same worker's next job runs as usual");
      events.expectNoMessage(Duration.ofMillis(100));
    }
  }

  @Test
  void theDeadlineFailsUnfinishedItemsAndKeepsFinishedOnes() throws Exception {
    TestProbe<Object> events = testKit.createTestProbe();
    TaskRecorder recorder = new TaskRecorder(events);
    try (TaskPool pool = pool(2)) {
      CompletableFuture<List<Outcome<String>>> result =
          pool.gather(
                  recorder.tasks(4), GatherOptions.defaults().withDeadline(Duration.ofSeconds(10)))
              .toCompletableFuture();
      recorder.expectStart(WAIT);
      recorder.expectStart(WAIT);
      recorder.complete(0);
      assertEquals(2, recorder.expectStart(WAIT));
      manualTime.timePasses(Duration.ofSeconds(10));

      List<Outcome<String>> outcomes = result.get(5, TimeUnit.SECONDS);
      assertEquals("value-0", outcomes.get(0).getOrThrow());
      for (int i = 1; i < 4; i++) {
        Outcome.Failure<?> failure = (Outcome.Failure<?>) outcomes.get(i);
        assertEquals(ErrorKind.TIMEOUT, failure.kind());
        assertEquals("gather deadline of 10s passed", failure.message());
      }
      assertEquals(Duration.ZERO, outcomes.get(3).elapsed(), "item 3 never started");
      assertEquals(3, recorder.starts());
    }
  }

  @Test
  void cancellingAGatherCancelsEveryUnfinishedItem() throws Exception {
    TestProbe<Object> events = testKit.createTestProbe();
    TaskRecorder recorder = new TaskRecorder(events);
    try (TaskPool pool = pool(2)) {
      Gathering<String> gathering = pool.submit(recorder.tasks(5), GatherOptions.defaults());
      recorder.expectStart(WAIT);
      recorder.expectStart(WAIT);
      recorder.complete(0);
      recorder.expectStart(WAIT);
      gathering.cancel();

      List<Outcome<String>> outcomes = await(gathering.outcomes());
      assertTrue(outcomes.get(0).isSuccess());
      for (int i = 1; i < 5; i++) {
        assertEquals(
            ErrorKind.CANCELLED, ((Outcome.Failure<?>) outcomes.get(i)).kind(), "item " + i);
      }
      await(gathering.whenDone());
      assertEquals(3, recorder.starts());
    }
  }

  @Test
  void cancellingTheReturnedFutureCancelsTheGather() throws Exception {
    TestProbe<Object> events = testKit.createTestProbe();
    TaskRecorder recorder = new TaskRecorder(events);
    try (TaskPool pool = pool(1)) {
      CompletableFuture<List<Outcome<String>>> result =
          pool.gather(recorder.tasks(3)).toCompletableFuture();
      recorder.expectStart(WAIT);
      result.cancel(false);
      assertEquals(new TaskRecorder.Cancelled(0), events.receiveMessage(WAIT));
      events.expectNoMessage(Duration.ofMillis(300));
      assertEquals(1, recorder.starts());
    }
  }

  @Test
  void anEmptyGatherCompletesAtOnce() throws Exception {
    try (TaskPool pool = pool(1)) {
      assertEquals(List.of(), await(pool.gather(List.<Task<String>>of())));
      assertFalse(
          pool.asCompleted(List.<Task<String>>of())
              .runWith(Sink.seq(), testKit.system())
              .toCompletableFuture()
              .get(5, TimeUnit.SECONDS)
              .iterator()
              .hasNext());
    }
  }
}
