package io.fetchpipe.cluster.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fetchpipe.cluster.internal.ClusterSerializer;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.internal.ThrottlingRouter;
import io.fetchpipe.core.internal.Worker;
import io.fetchpipe.http.FetchErrorKind;
import io.fetchpipe.http.FetchFailure;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.Header;
import io.fetchpipe.http.ResponseBody;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A fetch's outcome crosses nodes whole: a failure keeps its kind, attempts and the response it
 * kept.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FetchPayloadsTest {
  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private Object roundTrip(Object message) {
    ClusterSerializer serializer =
        new ClusterSerializer((ExtendedActorSystem) Adapter.toClassic(testKit.system()));
    return serializer.fromBinary(serializer.toBinary(message), serializer.manifest(message));
  }

  @Test
  void aFetchFailureCrossesWithItsKindAttemptsAndResponse() {
    FetchPayloads.register(testKit.system());
    TestProbe<Worker.Command> worker = testKit.createTestProbe();
    Instant now = Instant.parse("2026-01-02T03:04:05Z");
    FetchResponse response =
        new FetchResponse(
            503,
            List.of(new Header("Retry-After", "7")),
            "text/plain",
            "http://127.0.0.1/busy",
            3,
            4,
            null,
            new ResponseBody.Text("busy", "UTF-8"));
    FetchFailure failure =
        new FetchFailure(FetchErrorKind.HTTP_STATUS, "HTTP 503", 3, response, null);
    ThrottlingRouter.WorkerDone done =
        new ThrottlingRouter.WorkerDone(worker.ref(), 5, 1, Outcome.failure(2, failure, now, now));

    ThrottlingRouter.WorkerDone read =
        assertInstanceOf(ThrottlingRouter.WorkerDone.class, roundTrip(done));
    FetchFailure crossed =
        assertInstanceOf(FetchFailure.class, ((Outcome.Failure<?>) read.outcome()).cause());
    assertEquals(FetchErrorKind.HTTP_STATUS, crossed.kind());
    assertEquals("HTTP 503", crossed.getMessage());
    assertEquals(3, crossed.attempts());
    assertEquals(response, crossed.response());
    assertNull(crossed.getCause(), "the cause stays behind");
  }
}
