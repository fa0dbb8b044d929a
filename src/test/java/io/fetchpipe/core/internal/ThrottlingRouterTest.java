package io.fetchpipe.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The router on its own, with probe workers: the bounded queue, and workers that die. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ThrottlingRouterTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().build();

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
      return ((Worker.Run) message).job().index();
    }
  }

  /** Workers that forward what they are told to one probe, and never finish on their own. */
  private static Behavior<Worker.Command> forwardingWorker(ActorRef<Told> probe) {
    return Behaviors.setup(context -> Behaviors.receiveMessage(message -> {
      probe.tell(new Told(context.getSelf(), message));
      return Behaviors.same();
    }));
  }

  @Test
  void aSubmitThatDoesNotFitWaitsUnansweredUntilThereIsRoom() {
    TestProbe<Told> workers = testKit.createTestProbe();
    TestProbe<ThrottlingRouter.Reply> gather = testKit.createTestProbe();
    PoolSettings settings = PoolSettings.create(testKit.system())
        .withMaxConcurrency(1).withQueueCapacity(3).withSubmitBatch(2);
    ActorRef<ThrottlingRouter.Command> router =
        testKit.spawn(ThrottlingRouter.create(self -> forwardingWorker(workers.ref()), request -> null, settings, new java.util.concurrent.CompletableFuture<>()));
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

    router.tell(new ThrottlingRouter.WorkerDone(first.worker(), 1, done(0)));
    assertEquals(List.of(0), indexes(gather, 1));
    Told second = workers.receiveMessage(WAIT);
    assertEquals(1, second.index());
    gather.expectNoMessage(Duration.ofMillis(100)); // queued: 2, 3; one free place, the parked submit needs two

    router.tell(new ThrottlingRouter.WorkerDone(second.worker(), 1, done(1)));
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
        testKit.spawn(ThrottlingRouter.create(self -> forwardingWorker(workers.ref()), request -> null, settings, new java.util.concurrent.CompletableFuture<>()));
    Batch batch = new Batch(3, null, gather.ref(), false);
    router.tell(new ThrottlingRouter.Submit(batch, jobs(batch, 0, 1), gather.ref()));
    gather.expectMessageClass(ThrottlingRouter.Accepted.class, WAIT);
    Told run = workers.receiveMessage(WAIT);

    router.tell(new ThrottlingRouter.WorkerDone(run.worker(), 3, done(0)));
    router.tell(new ThrottlingRouter.WorkerDone(run.worker(), 3, done(0)));
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
    java.time.Instant now = java.time.Instant.now();
    return Outcome.success(index, "done", now, now);
  }

  @Test
  void aWorkerThatStopsMidJobYieldsACrashOutcomeAndIsReplaced() {
    TestProbe<ThrottlingRouter.Reply> gather = testKit.createTestProbe();
    AtomicInteger spawned = new AtomicInteger();
    PoolSettings settings = PoolSettings.create(testKit.system()).withMaxConcurrency(1);
    // Every worker stops on the first job it is given.
    ActorRef<ThrottlingRouter.Command> router = testKit.spawn(ThrottlingRouter.create(self -> {
      spawned.incrementAndGet();
      return Behaviors.<Worker.Command>receiveMessage(message -> Behaviors.stopped());
    }, request -> null, settings, new java.util.concurrent.CompletableFuture<>()));
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
}
