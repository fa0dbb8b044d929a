package io.fetchpipe.core.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.core.RateLimit;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The send gate in virtual time: nothing moves unless the test moves the clock. Nothing is due
 * between two steps of the clock that the test does not advance past, so a stage not done after a
 * step stays not done.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SendGateTest {
  private static final long WAIT_SECONDS = 5;

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withCustomConfig(ManualTime.config().withFallback(ActorTestKit.applicationTestConfig()))
          .build();

  private SendGate gate(RateLimit rate, RateLimit perKey) {
    return SendGate.create(
        testKit.system(),
        PoolSettings.create(testKit.system())
            .withRate(rate)
            .withMaxRatePerKey(perKey)
            .withAdaptive(true));
  }

  private void passTime(long millis) {
    ManualTime.get(testKit.system()).timePasses(Duration.ofMillis(millis));
  }

  private static SendGate.Pass passed(CompletableFuture<SendGate.Pass> acquired) throws Exception {
    return acquired.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @Test
  void withoutLimitsEveryRequestGoesAtOnce() throws Exception {
    SendGate gate = SendGate.unlimited(testKit.system());
    for (int i = 0; i < 100; i++) {
      assertTrue(gate.acquire("h").toCompletableFuture().isDone());
    }
    gate.close();
  }

  @Test
  void theFirstRequestsGoAloneEachOneSpacingAfterThePreviousAnswer() throws Exception {
    SendGate gate = gate(RateLimit.parse("10/s"), RateLimit.unlimited());
    SendGate.Pass previous = passed(gate.acquire("a").toCompletableFuture());
    for (int i = 1; i < SendGate.WARM_UP; i++) {
      CompletableFuture<SendGate.Pass> next =
          gate.acquire(i % 2 == 0 ? "a" : "b").toCompletableFuture();
      passTime(2000);
      assertFalse(next.isDone(), "however long the previous one waits for its answer");

      previous.answered();
      passTime(99);
      assertFalse(next.isDone(), "a spacing after the answer, not at once");
      passTime(1);
      previous = passed(next);
    }
    previous.answered();
    passTime(100);

    // Warm: one a spacing, answered or not.
    passed(gate.acquire("a").toCompletableFuture());
    CompletableFuture<SendGate.Pass> unanswered = gate.acquire("b").toCompletableFuture();
    passTime(99);
    assertFalse(unanswered.isDone());
    passTime(1);
    passed(unanswered);
    gate.close();
  }

  @Test
  void aKeyWithASpacingRestsWhileOtherKeysGo() throws Exception {
    SendGate gate = gate(RateLimit.unlimited(), RateLimit.parse("2/s"));
    for (int i = 0; i < SendGate.WARM_UP; i++) {
      passed(gate.acquire("a").toCompletableFuture()).answered();
      passTime(500);
    }
    passed(gate.acquire("a").toCompletableFuture());
    CompletableFuture<SendGate.Pass> nextOfA = gate.acquire("a").toCompletableFuture();

    passed(gate.acquire("b").toCompletableFuture());
    assertFalse(nextOfA.isDone(), "b went past a waiting a");

    passTime(499);
    assertFalse(nextOfA.isDone());
    passTime(1);
    passed(nextOfA);
    gate.close();
  }

  @Test
  void aCrawlDelaySpacesItsHost() throws Exception {
    SendGate gate = SendGate.unlimited(testKit.system());
    gate.crawlDelay("h", Duration.ofSeconds(3));
    passed(gate.acquire("h").toCompletableFuture()).answered();
    CompletableFuture<SendGate.Pass> next = gate.acquire("h").toCompletableFuture();

    passTime(2999);
    assertFalse(next.isDone());
    passTime(1);
    passed(next);
    assertTrue(gate.acquire("other").toCompletableFuture().isDone(), "other hosts are not held");
    gate.close();
  }

  @Test
  void aRateLimitWindowSpreadsTheRequestsLeftOverTheTimeLeft() throws Exception {
    SendGate gate = gate(RateLimit.unlimited(), RateLimit.unlimited());
    gate.heard(
        "h",
        new HostFeedback(
            HostFeedback.Signal.ANSWERED, null, new HostFeedback.Pacing(4, Duration.ofSeconds(2))));
    passed(gate.acquire("h").toCompletableFuture()).answered();
    CompletableFuture<SendGate.Pass> next = gate.acquire("h").toCompletableFuture();

    passTime(499);
    assertFalse(next.isDone());
    passTime(1);
    passed(next);
    passTime(2000);
    passed(gate.acquire("h").toCompletableFuture());
    assertTrue(
        gate.acquire("h").toCompletableFuture().isDone(), "the window has reset: no more spacing");
    gate.close();
  }

  @Test
  void closingFailsWhatStillWaits() throws Exception {
    SendGate gate = gate(RateLimit.parse("1/s"), RateLimit.unlimited());
    passed(gate.acquire("a").toCompletableFuture());
    CompletableFuture<SendGate.Pass> waiting = gate.acquire("a").toCompletableFuture();

    gate.close();

    ExecutionException failed =
        assertThrows(ExecutionException.class, () -> waiting.get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertTrue(failed.getCause() instanceof IllegalStateException, failed.toString());
    assertTrue(gate.acquire("b").toCompletableFuture().isCompletedExceptionally());
  }
}
