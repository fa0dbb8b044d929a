package io.fetchpipe.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.core.RetryableFailure;
import io.fetchpipe.core.TaskFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The router on its own, with probe workers: the bounded queue, workers that die, and workers
 * offered from outside (a cluster's nodes) that are lost and come back.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ThrottlingRouterTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private static List<Job<?>> jobs(Batch batch, int from, int count) {
    List<Job<?>> jobs = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      jobs.add(new Job<>(batch, i, "request-" + i));
    }
    return jobs;
  }

  /** What a probe worker was told, and who it is. */
  private record Told(ActorRef<Worker.Command> worker, Worker.Command message) {
    int index() {
      return job().index();
    }

    Job<?> job() {
      return ((Worker.Run) message).job();
    }
  }

  /** Workers that forward what they are told to one probe, and never finish on their own. */
  private static Behavior<Worker.Command> forwardingWorker(ActorRef<Told> probe) {
    return Behaviors.setup(
        context ->
            Behaviors.receiveMessage(
                message -> {
                  probe.tell(new Told(context.getSelf(), message));
                  return Behaviors.same();
                }));
  }

  @Test
  void aSubmitThatDoesNotFitWaitsUnansweredUntilThereIsRoom() {
    TestProbe<Told> workers = testKit.createTestProbe();
    TestProbe<ThrottlingRouter.Reply> gather = testKit.createTestProbe();
    PoolSettings settings =
        PoolSettings.create(testKit.system())
            .withMaxConcurrency(1)
            .withQueueCapacity(3)
            .withSubmitBatch(2);
    ActorRef<ThrottlingRouter.Command> router =
        testKit.spawn(
            ThrottlingRouter.create(
                self -> forwardingWorker(workers.ref()),
                request -> null,
                settings,
                new CompletableFuture<>()));
    Batch batch = new Batch(1, null, gather.ref(), false);

    router.tell(new ThrottlingRouter.Submit(batch, jobs(batch, 0, 2), gather.ref()));
    gather.expectMessage(WAIT, new ThrottlingRouter.Accepted(1, 2));
    Told first = workers.receiveMessage(WAIT);
    assertEquals(0, first.index());

    router.tell(new ThrottlingRouter.Submit(batch, jobs(batch, 2, 2), gather.ref()));
    gather.expectMessage(WAIT, new ThrottlingRouter.Accepted(1, 2)); // queued: 1, 2, 3 (full)
    router.tell(new ThrottlingRouter.Submit(batch, jobs(batch, 4, 2), gather.ref()));
    gather.expectNoMessage(Duration.ofMillis(200)); // no room: parked, neither accepted nor dropped
    workers.expectNoMessage(Duration.ofMillis(10)); // and the cap of one holds

    router.tell(new ThrottlingRouter.WorkerDone(first.worker(), 1, 1, done(0)));
    assertEquals(List.of(0), indexes(gather, 1));
    Told second = workers.receiveMessage(WAIT);
    assertEquals(1, second.index());
    gather.expectNoMessage(
        Duration.ofMillis(100)); // queued: 2, 3; one free place, the parked submit needs two

    router.tell(new ThrottlingRouter.WorkerDone(second.worker(), 1, 1, done(1)));
    assertEquals(List.of(1), indexes(gather, 1));
    gather.expectMessage(WAIT, new ThrottlingRouter.Accepted(1, 2)); // queued: 3, 4, 5
    assertEquals(2, workers.receiveMessage(WAIT).index());
  }

  @Test
  void aStaleReportIsDroppedSoNoJobIsReportedTwice() {
    TestProbe<Told> workers = testKit.createTestProbe();
    TestProbe<ThrottlingRouter.Reply> gather = testKit.createTestProbe();
    PoolSettings settings = PoolSettings.create(testKit.system()).withMaxConcurrency(1);
    ActorRef<ThrottlingRouter.Command> router =
        testKit.spawn(
            ThrottlingRouter.create(
                self -> forwardingWorker(workers.ref()),
                request -> null,
                settings,
                new CompletableFuture<>()));
    Batch batch = new Batch(3, null, gather.ref(), false);
    router.tell(new ThrottlingRouter.Submit(batch, jobs(batch, 0, 1), gather.ref()));
    gather.expectMessageClass(ThrottlingRouter.Accepted.class, WAIT);
    Told run = workers.receiveMessage(WAIT);

    router.tell(new ThrottlingRouter.WorkerDone(run.worker(), 3, 1, done(0)));
    router.tell(new ThrottlingRouter.WorkerDone(run.worker(), 3, 1, done(0)));
    assertEquals(List.of(0), indexes(gather, 1));
    gather.expectNoMessage(Duration.ofMillis(200));
  }

  /** The outcomes of the next messages to {@code gather}, until there are {@code count}. */
  private static List<Outcome<?>> outcomes(TestProbe<ThrottlingRouter.Reply> gather, int count) {
    List<Outcome<?>> outcomes = new ArrayList<>();
    while (outcomes.size() < count) {
      outcomes.addAll(((ThrottlingRouter.JobsFinished) gather.receiveMessage(WAIT)).outcomes());
    }
    assertEquals(count, outcomes.size(), "outcomes");
    return outcomes;
  }

  private static List<Integer> indexes(TestProbe<ThrottlingRouter.Reply> gather, int count) {
    return outcomes(gather, count).stream().map(Outcome::index).toList();
  }

  private static Outcome<Object> done(int index) {
    Instant now = Instant.now();
    return Outcome.success(index, "done", now, now);
  }

  @Test
  void aWorkerThatStopsMidJobYieldsACrashOutcomeAndIsReplaced() {
    TestProbe<ThrottlingRouter.Reply> gather = testKit.createTestProbe();
    AtomicInteger spawned = new AtomicInteger();
    PoolSettings settings = PoolSettings.create(testKit.system()).withMaxConcurrency(1);
    // Every worker stops on the first job it is given.
    ActorRef<ThrottlingRouter.Command> router =
        testKit.spawn(
            ThrottlingRouter.create(
                self -> {
                  spawned.incrementAndGet();
                  return Behaviors.<Worker.Command>receiveMessage(message -> Behaviors.stopped());
                },
                request -> null,
                settings,
                new CompletableFuture<>()));
    Batch batch = new Batch(7, null, gather.ref(), false);

    router.tell(new ThrottlingRouter.Submit(batch, jobs(batch, 0, 3), gather.ref()));
    gather.expectMessage(WAIT, new ThrottlingRouter.Accepted(7, 3));
    List<Outcome<?>> outcomes = outcomes(gather, 3);
    for (int i = 0; i < 3; i++) {
      Outcome.Failure<?> failure = assertInstanceOf(Outcome.Failure.class, outcomes.get(i));
      assertEquals(i, failure.index());
      assertEquals(ErrorKind.CRASHED, failure.kind());
      assertEquals("worker stopped", failure.message());
    }
    gather.expectNoMessage(Duration.ofMillis(200));
    assertEquals(3, spawned.get(), "each stopped worker is replaced");
  }

  /**
   * Workers offered from outside, as a cluster's nodes offer theirs: never spawned, handed back
   * when lost.
   */
  private static final WorkerSupply OFFERED =
      new WorkerSupply() {
        @Override
        public ActorRef<Worker.Command> spawn(
            ActorContext<ThrottlingRouter.Command> router, long number) {
          return null;
        }

        @Override
        public boolean rerunLostJobs() {
          return true;
        }
      };

  /** A router of offered workers, as a cluster pool's (no concurrency cap of its own). */
  private ActorRef<ThrottlingRouter.Command> offeredRouter(
      PoolSettings settings, Function<Object, Object> keyOf) {
    return testKit.spawn(
        ThrottlingRouter.create(
            OFFERED,
            keyOf,
            settings.withMaxConcurrency(Integer.MAX_VALUE),
            new CompletableFuture<>()));
  }

  private List<ActorRef<Worker.Command>> offer(
      ActorRef<ThrottlingRouter.Command> router, TestProbe<Told> probe, int count) {
    List<ActorRef<Worker.Command>> workers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      workers.add(testKit.spawn(forwardingWorker(probe.ref())));
    }
    router.tell(new ThrottlingRouter.WorkersJoined(workers));
    return workers;
  }

  /**
   * Submits items {@code from} to {@code from + count - 1} of {@code batch}, and waits until they
   * are queued.
   */
  private static void submit(
      ActorRef<ThrottlingRouter.Command> router,
      TestProbe<ThrottlingRouter.Reply> gather,
      Batch batch,
      int from,
      int count) {
    router.tell(new ThrottlingRouter.Submit(batch, jobs(batch, from, count), gather.ref()));
    gather.expectMessageClass(ThrottlingRouter.Accepted.class, WAIT);
  }

  private static Outcome<Object> done(int index, Object value) {
    Instant now = Instant.now();
    return Outcome.success(index, value, now, now);
  }

  @Test
  void aLostWorkersJobRunsAgainOnAnotherAtOnceAndItsLateReportIsDropped() {
    TestProbe<Told> workers = testKit.createTestProbe();
    TestProbe<ThrottlingRouter.Reply> gather = testKit.createTestProbe();
    ActorRef<ThrottlingRouter.Command> router =
        offeredRouter(PoolSettings.create(testKit.system()), request -> null);
    List<ActorRef<Worker.Command>> offered = offer(router, workers, 3);
    Batch batch = new Batch(11, null, gather.ref(), false);
    submit(router, gather, batch, 0, 2);
    Told first = workers.receiveMessage(WAIT);
    Told second = workers.receiveMessage(WAIT);
    assertEquals(List.of(offered.get(0), offered.get(1)), List.of(first.worker(), second.worker()));

    Instant lostAt = Instant.now();
    router.tell(new ThrottlingRouter.WorkersLost(List.of(first.worker())));
    Told again = workers.receiveMessage(WAIT);
    assertEquals(
        offered.get(2),
        again.worker(),
        "the idle worker takes the lost run, without waiting for removal");
    assertEquals(first.index(), again.index());
    assertEquals(2, again.job().attempt(), "every start counts");
    assertEquals(1, again.job().reruns());
    assertTrue(
        again.job().firstStartedAt().isBefore(lostAt), "its time counts from the lost run's start");

    router.tell(
        new ThrottlingRouter.WorkerDone(first.worker(), 11, 1, done(first.index(), "late")));
    router.tell(
        new ThrottlingRouter.WorkerDone(second.worker(), 11, 1, done(second.index(), "second")));
    router.tell(
        new ThrottlingRouter.WorkerDone(again.worker(), 11, 2, done(again.index(), "again")));
    List<Outcome<?>> outcomes = outcomes(gather, 2);
    assertEquals(
        List.of(second.index(), again.index()), outcomes.stream().map(Outcome::index).toList());
    assertEquals(List.of("second", "again"), outcomes.stream().map(Outcome::getOrThrow).toList());
    gather.expectNoMessage(Duration.ofMillis(200)); // the late report made no second outcome
    workers.expectNoMessage(Duration.ofMillis(10)); // and the lost worker got no new job
  }

  @Test
  void aLostWorkerThatComesBackCancelsTheRunItLostAndServesAgain() {
    TestProbe<Told> workers = testKit.createTestProbe();
    TestProbe<ThrottlingRouter.Reply> gather = testKit.createTestProbe();
    ActorRef<ThrottlingRouter.Command> router =
        offeredRouter(PoolSettings.create(testKit.system()), request -> null);
    List<ActorRef<Worker.Command>> offered = offer(router, workers, 2);
    ActorRef<Worker.Command> lost = offered.get(0);
    Batch batch = new Batch(12, null, gather.ref(), false);
    submit(router, gather, batch, 0, 1);
    assertEquals(lost, workers.receiveMessage(WAIT).worker());
    router.tell(new ThrottlingRouter.WorkersLost(List.of(lost)));
    Told rerun = workers.receiveMessage(WAIT);
    assertEquals(offered.get(1), rerun.worker());
    submit(router, gather, batch, 1, 1);
    workers.expectNoMessage(Duration.ofMillis(200)); // no worker for item 1: one busy, one lost

    router.tell(new ThrottlingRouter.WorkersAvailable(List.of(lost)));
    Told cancel = workers.receiveMessage(WAIT);
    assertEquals(lost, cancel.worker());
    Worker.Cancel cancelled = assertInstanceOf(Worker.Cancel.class, cancel.message());
    assertEquals(1, cancelled.job().attempt(), "the run it lost, and no other");
    assertEquals(0, cancelled.job().index());
    Told next = workers.receiveMessage(WAIT);
    assertEquals(lost, next.worker(), "back, it serves again");
    assertEquals(1, next.index());

    Instant now = Instant.now();
    router.tell(
        new ThrottlingRouter.WorkerDone(
            lost,
            12,
            1,
            Outcome.failure(
                0, ErrorKind.CANCELLED, "cancelled: run again elsewhere", null, now, now)));
    router.tell(new ThrottlingRouter.WorkerDone(rerun.worker(), 12, 2, done(0, "rerun")));
    router.tell(new ThrottlingRouter.WorkerDone(lost, 12, 1, done(1, "next")));
    List<Outcome<?>> outcomes = outcomes(gather, 2);
    assertEquals(List.of(0, 1), outcomes.stream().map(Outcome::index).toList());
    assertEquals(List.of("rerun", "next"), outcomes.stream().map(Outcome::getOrThrow).toList());
    gather.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void aReportOfAnEarlierAttemptIsDroppedEvenFromTheWorkerThatRunsTheLaterOne() {
    TestProbe<Told> workers = testKit.createTestProbe();
    TestProbe<ThrottlingRouter.Reply> gather = testKit.createTestProbe();
    // One per key: the lost run must give its key's place back, or its rerun could never start.
    ActorRef<ThrottlingRouter.Command> router =
        offeredRouter(
            PoolSettings.create(testKit.system()).withMaxPerKey(1), request -> "one host");
    ActorRef<Worker.Command> only = offer(router, workers, 1).get(0);
    Batch batch = new Batch(13, null, gather.ref(), false);
    submit(router, gather, batch, 0, 1);
    assertEquals(1, workers.receiveMessage(WAIT).job().attempt());
    router.tell(new ThrottlingRouter.WorkersLost(List.of(only)));
    router.tell(new ThrottlingRouter.WorkersAvailable(List.of(only)));
    assertInstanceOf(Worker.Cancel.class, workers.receiveMessage(WAIT).message());
    assertEquals(2, workers.receiveMessage(WAIT).job().attempt());

    // The first attempt finished before the cancel reached it: same worker, same item, older
    // attempt.
    router.tell(new ThrottlingRouter.WorkerDone(only, 13, 1, done(0, "first attempt")));
    gather.expectNoMessage(Duration.ofMillis(200));
    router.tell(new ThrottlingRouter.WorkerDone(only, 13, 2, done(0, "second attempt")));
    assertEquals(
        List.of("second attempt"), outcomes(gather, 1).stream().map(Outcome::getOrThrow).toList());
  }

  @Test
  void aRerunAfterALossLeavesTheRetriesToFailures() {
    TestProbe<Told> workers = testKit.createTestProbe();
    TestProbe<ThrottlingRouter.Reply> gather = testKit.createTestProbe();
    PoolSettings settings = PoolSettings.create(testKit.system());
    ActorRef<ThrottlingRouter.Command> router =
        offeredRouter(settings.withRetry(settings.retry().withMaxRetries(1)), request -> null);
    List<ActorRef<Worker.Command>> offered = offer(router, workers, 2);
    Batch batch = new Batch(14, null, gather.ref(), false);
    submit(router, gather, batch, 0, 1);
    workers.receiveMessage(WAIT);
    router.tell(new ThrottlingRouter.WorkersLost(List.of(offered.get(0))));
    Told rerun = workers.receiveMessage(WAIT);
    assertEquals(2, rerun.job().attempt());

    Instant now = Instant.now();
    RetryableFailure busy =
        RetryableFailure.failing(
            new TaskFailure(ErrorKind.of("busy"), "busy"), Duration.ofMillis(1));
    router.tell(
        new ThrottlingRouter.WorkerDone(rerun.worker(), 14, 2, Outcome.failure(0, busy, now, now)));
    Told retry = workers.receiveMessage(WAIT);
    assertEquals(3, retry.job().attempt(), "the one retry is still there after the rerun");
    router.tell(
        new ThrottlingRouter.WorkerDone(retry.worker(), 14, 3, Outcome.failure(0, busy, now, now)));
    Outcome.Failure<?> failed = assertInstanceOf(Outcome.Failure.class, outcomes(gather, 1).get(0));
    assertEquals("busy", failed.kind().wireName(), "and then no more");
    workers.expectNoMessage(Duration.ofMillis(200));
  }
}
