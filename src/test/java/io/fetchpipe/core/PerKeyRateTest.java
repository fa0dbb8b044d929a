package io.fetchpipe.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** A rate per key (per host, for fetches): each key's starts evenly spaced, other keys flowing. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PerKeyRateTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Duration QUIET = Duration.ofMillis(150);

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withCustomConfig(ManualTime.config().withFallback(ActorTestKit.applicationTestConfig()))
          .build();

  private ManualTime manualTime;

  @BeforeAll
  void setUp() {
    manualTime = ManualTime.get(testKit.system());
  }

  /** Requests "key-n"; each start is told to {@code starts}; each finishes at once. */
  private JobPool<String, String> pool(PoolSettings settings, TestProbe<String> starts) {
    return JobPool.create(
        testKit.system(),
        settings,
        new JobHandler<String, String>() {
          @Override
          public CompletionStage<String> handle(String request, TaskContext context) {
            starts.ref().tell(request + "#" + context.attempt());
            return CompletableFuture.completedFuture(request);
          }

          @Override
          public Object limitKey(String request) {
            return request.substring(0, request.indexOf('-'));
          }
        });
  }

  private Set<String> receive(TestProbe<String> starts, int count) {
    return new HashSet<>(starts.receiveSeveralMessages(count, WAIT));
  }

  @Test
  void eachKeysStartsAreEvenlySpacedWhileOtherKeysFlow() throws Exception {
    TestProbe<String> starts = testKit.createTestProbe();
    PoolSettings twoPerSecondPerKey =
        PoolSettings.create(testKit.system())
            .withMaxConcurrency(10)
            .withMaxRatePerKey(RateLimit.parse("2/s"));
    try (JobPool<String, String> pool = pool(twoPerSecondPerKey, starts)) {
      CompletableFuture<List<Outcome<String>>> all =
          pool.gather(List.of("a-1", "a-2", "a-3", "b-1", "b-2", "b-3", "c-1"))
              .toCompletableFuture();
      assertEquals(
          Set.of("a-1#1", "b-1#1", "c-1#1"), receive(starts, 3), "one start per key at once");
      starts.expectNoMessage(QUIET);
      manualTime.timePasses(Duration.ofMillis(499));
      starts.expectNoMessage(QUIET);
      manualTime.timePasses(Duration.ofMillis(1));
      assertEquals(
          Set.of("a-2#1", "b-2#1"),
          receive(starts, 2),
          "each key's next start half a second later");
      starts.expectNoMessage(QUIET);
      manualTime.timePasses(Duration.ofMillis(500));
      assertEquals(Set.of("a-3#1", "b-3#1"), receive(starts, 2));
      assertEquals(7, all.get(WAIT.toSeconds(), TimeUnit.SECONDS).size());
    }
  }

  private static CompletableFuture<String> answer(
      Map<String, CompletableFuture<String>> answers, String request) {
    return answers.computeIfAbsent(request, r -> new CompletableFuture<>());
  }

  /**
   * A fresh process's first request to a host is slow (connection, cold code); starts spaced behind
   * it would reach the host together the moment it is through. So a key's next start also waits
   * until its first job has an outcome; other keys keep flowing meanwhile.
   */
  @Test
  void aKeysNextStartWaitsForItsFirstOutcome() throws Exception {
    TestProbe<String> starts = testKit.createTestProbe();
    Map<String, CompletableFuture<String>> answers = new ConcurrentHashMap<>();
    JobHandler<String, String> answeredByTheTest =
        new JobHandler<>() {
          @Override
          public CompletionStage<String> handle(String request, TaskContext context) {
            starts.ref().tell(request);
            return answer(answers, request);
          }

          @Override
          public Object limitKey(String request) {
            return request.substring(0, request.indexOf('-'));
          }
        };
    PoolSettings twoPerSecondPerKey =
        PoolSettings.create(testKit.system())
            .withMaxConcurrency(10)
            .withMaxRatePerKey(RateLimit.parse("2/s"));
    try (JobPool<String, String> pool =
        JobPool.create(testKit.system(), twoPerSecondPerKey, answeredByTheTest)) {
      CompletableFuture<List<Outcome<String>>> all =
          pool.gather(List.of("a-1", "a-2", "a-3", "b-1", "b-2")).toCompletableFuture();
      assertEquals(Set.of("a-1", "b-1"), receive(starts, 2));
      answer(answers, "b-1").complete("b-1");
      manualTime.timePasses(Duration.ofMillis(500));
      assertEquals(Set.of("b-2"), receive(starts, 1), "b answered: its spacing alone counts");
      manualTime.timePasses(Duration.ofSeconds(3));
      starts.expectNoMessage(QUIET);
      answer(answers, "a-1").complete("a-1");
      assertEquals(
          Set.of("a-2"),
          receive(starts, 1),
          "a's spacing passed long ago: its answer lets the next go");
      answer(answers, "a-2").complete("a-2");
      starts.expectNoMessage(QUIET);
      manualTime.timePasses(Duration.ofMillis(500));
      assertEquals(Set.of("a-3"), receive(starts, 1), "then the spacing alone");
      answer(answers, "a-3").complete("a-3");
      answer(answers, "b-2").complete("b-2");
      assertEquals(5, all.get(WAIT.toSeconds(), TimeUnit.SECONDS).size());
    }
  }
}
