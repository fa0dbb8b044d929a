package io.fetchpipe.core.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.fetchpipe.core.Outcome;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The outcomes of an asCompleted stream, offered to its queue. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamSinkTest {
  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @Test
  void completingAStreamCancelledDownstreamIsNoFailure() {
    // As when asCompleted(...) runs into Sink.head(): the stream is gone before the gather ends,
    // and the gather's supervisor completes the sink all the same (it crashed on that before).
    BoundedSourceQueue<Object> queue = Source.queue(4).to(Sink.cancelled()).run(testKit.system());
    StreamSink sink = new StreamSink(queue);
    Instant now = Instant.now();
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(10),
            () -> {
              assertFalse(
                  sink.accept(Outcome.success(0, "late", now, now)), "the stream takes no more");
              return null;
            });

    assertDoesNotThrow(sink::complete);
  }
}
