package io.fetchpipe.cluster.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fetchpipe.cluster.ClusterPayloads;
import io.fetchpipe.cluster.PayloadCodec;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.internal.Batch;
import io.fetchpipe.core.internal.Job;
import io.fetchpipe.core.internal.ThrottlingRouter;
import io.fetchpipe.core.internal.Worker;
import java.io.NotSerializableException;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** What names a run on the wire: a job's attempt and reruns, and the attempt a report is for. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterSerializerTest {
  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private Object roundTrip(Object message) {
    return roundTrip(testKit.system(), message);
  }

  private static Object roundTrip(ActorSystem<?> system, Object message) {
    ClusterSerializer serializer =
        new ClusterSerializer((ExtendedActorSystem) Adapter.toClassic(system));
    return serializer.fromBinary(serializer.toBinary(message), serializer.manifest(message));
  }

  /** A payload type of a test's own. */
  record Point(int x, int y) {}

  @Test
  void aJobCrossesWithItsAttemptAndReruns() {
    TestProbe<ThrottlingRouter.Reply> gather = testKit.createTestProbe();
    Instant first = Instant.parse("2026-01-02T03:04:05.123456789Z");
    Job<String> job =
        new Job<>(
            new Batch(5, Duration.ofSeconds(2), gather.ref(), true), 7, "request", 3, 1, first);

    Worker.Run run = assertInstanceOf(Worker.Run.class, roundTrip(new Worker.Run(job)));
    assertEquals(job, run.job());
  }

  @Test
  void aReportCrossesWithTheAttemptItIsFor() {
    TestProbe<Worker.Command> worker = testKit.createTestProbe();
    Instant now = Instant.parse("2026-01-02T03:04:05Z");
    ThrottlingRouter.WorkerDone done =
        new ThrottlingRouter.WorkerDone(worker.ref(), 5, 4, Outcome.success(7, "value", now, now));

    ThrottlingRouter.WorkerDone read =
        assertInstanceOf(ThrottlingRouter.WorkerDone.class, roundTrip(done));
    assertEquals(worker.ref(), read.worker());
    assertEquals(5, read.batchId());
    assertEquals(4, read.attempt());
    assertEquals("value", read.outcome().getOrThrow());
    assertEquals(7, read.outcome().index());
  }

  @Test
  void aPayloadTypeIsKnownOnlyToTheActorSystemItIsRegisteredWith() {
    ActorTestKit other =
        ActorTestKit.create("other-payloads", ActorTestKit.applicationTestConfig());
    try {
      ClusterPayloads.get(testKit.system()).register(Point.class, PayloadCodec.json(Point.class));

      Worker.Run run =
          assertInstanceOf(Worker.Run.class, roundTrip(new Worker.Run(pointJob(testKit))));
      assertEquals(new Point(3, 4), run.job().request());
      Exception unknown =
          assertThrows(
              Exception.class, () -> roundTrip(other.system(), new Worker.Run(pointJob(other))));
      assertInstanceOf(NotSerializableException.class, unknown.getCause(), unknown.toString());
    } finally {
      other.shutdownTestKit();
    }
  }

  private static Job<Point> pointJob(ActorTestKit kit) {
    TestProbe<ThrottlingRouter.Reply> gather = kit.createTestProbe();
    return new Job<>(
        new Batch(5, Duration.ofSeconds(2), gather.ref(), true), 7, new Point(3, 4), 1, 0, null);
  }
}
