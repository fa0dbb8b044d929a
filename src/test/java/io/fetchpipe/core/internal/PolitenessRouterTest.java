package io.fetchpipe.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.core.RateLimit;
import io.fetchpipe.core.RetryableFailure;
import io.fetchpipe.core.TaskFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The router's limits that follow what servers say, in virtual time, with workers the test answers
 * itself: requests are {@code "host/path"}, and an outcome's value tells what the host said ({@code
 * "429"}: slow down, after two seconds; {@code "empty"}: no requests left in this window, which
 * resets in three seconds; anything else: fine).
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolitenessRouterTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Duration QUIET = Duration.ofMillis(200);
  private static final ErrorKind ROBOTS = ErrorKind.of("robots");

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withCustomConfig(ManualTime.config().withFallback(ActorTestKit.applicationTestConfig()))
          .build();

  /**
   * Hosts as keys; feedback from outcome values; with probes, "host/robots.txt" and rules that
   * refuse /private.
   */
  private record TestPolicy(boolean probes) implements HostPolicy {
    @Override
    public boolean firstStartAlone() {
      return true;
    }

    @Override
    public Object apply(Object request) {
      String text = (String) request;
      return text.substring(0, text.indexOf('/'));
    }

    @Override
    public HostFeedback feedback(Outcome<?> outcome) {
      Object said =
          outcome instanceof Outcome.Success<?> success
              ? success.value()
              : ((Outcome.Failure<?>) outcome).cause() instanceof RetryableFailure retryable
                  ? retryable.finalValue()
                  : null;
      if ("429".equals(said)) {
        return new HostFeedback(HostFeedback.Signal.THROTTLED, Duration.ofSeconds(2), null);
      }
      if ("empty".equals(said)) {
        return new HostFeedback(
            HostFeedback.Signal.ANSWERED, null, new HostFeedback.Pacing(0, Duration.ofSeconds(3)));
      }
      return new HostFeedback(HostFeedback.Signal.ANSWERED, null, null);
    }

    @Override
    public Object probe(Object key) {
      return key + "/robots.txt";
    }

    @Override
    public HostRules rules(Outcome<?> probeOutcome) {
      return new HostRules() {
        @Override
        public boolean allows(Object request) {
          return !((String) request).contains("/private");
        }

        @Override
        public Throwable refusal(Object request) {
          return new TaskFailure(ROBOTS, "refused");
        }

        @Override
        public Duration crawlDelay() {
          return Duration.ZERO;
        }
      };
    }
  }

  /** What a worker was told, and who it is. */
  private record Told(ActorRef<Worker.Command> worker, Job<?> job) {
    String request() {
      return (String) job.request();
    }
  }

  private static Behavior<Worker.Command> forwardingWorker(ActorRef<Told> probe) {
    return Behaviors.setup(
        context ->
            Behaviors.receiveMessage(
                message -> {
                  if (message instanceof Worker.Run run) {
                    probe.tell(new Told(context.getSelf(), run.job()));
                  }
                  return Behaviors.same();
                }));
  }

  /** A router of {@code settings} and {@code policy} with workers that tell {@code workers}. */
  private ActorRef<ThrottlingRouter.Command> router(
      PoolSettings settings, HostPolicy policy, TestProbe<Told> workers) {
    return testKit.spawn(
        ThrottlingRouter.create(
            self -> forwardingWorker(workers.ref()), policy, settings, new CompletableFuture<>()));
  }

  private PoolSettings adaptive() {
    return PoolSettings.create(testKit.system()).withMaxConcurrency(10).withAdaptive(true);
  }

  private static void submit(
      ActorRef<ThrottlingRouter.Command> router, Batch batch, int from, String... requests) {
    List<Job<?>> jobs = new ArrayList<>();
    for (int i = 0; i < requests.length; i++) {
      jobs.add(new Job<>(batch, from + i, requests[i]));
    }
    router.tell(new ThrottlingRouter.Submit(batch, jobs, null));
  }

  private static void answer(ActorRef<ThrottlingRouter.Command> router, Told told, Object value) {
    Instant now = Instant.now();
    router.tell(
        new ThrottlingRouter.WorkerDone(
            told.worker(),
            told.job().batch().id(),
            told.job().attempt(),
            Outcome.success(told.job().index(), value, now, now)));
  }

  private static Set<String> requests(TestProbe<Told> workers, int count) {
    Set<String> requests = new HashSet<>();
    for (Told told : workers.receiveSeveralMessages(count, WAIT)) {
      requests.add(told.request());
    }
    return requests;
  }

  /** The outcomes the gather probe receives until it has {@code count}. */
  private static List<Outcome<?>> outcomes(TestProbe<ThrottlingRouter.Reply> gather, int count) {
    List<Outcome<?>> outcomes = new ArrayList<>();
    while (outcomes.size() < count) {
      ThrottlingRouter.Reply reply = gather.receiveMessage(WAIT);
      if (reply instanceof ThrottlingRouter.JobsFinished finished) {
        outcomes.addAll(finished.outcomes());
      }
    }
    return outcomes;
  }

  private void passTime(Duration amount) {
    ManualTime.get(testKit.system()).timePasses(amount);
  }

  @Test
  void retryAfterPausesTheWholeHostWhileOthersFlow() {
    TestProbe<Told> workers = testKit.createTestProbe();
    TestProbe<ThrottlingRouter.Reply> gather = testKit.createTestProbe();
    ActorRef<ThrottlingRouter.Command> router = router(adaptive(), new TestPolicy(false), workers);
    Batch batch = new Batch(1, null, gather.ref(), false);
    submit(router, batch, 0, "a/1", "a/2", "a/3", "b/1", "b/2");

    List<Told> first = workers.receiveSeveralMessages(2, WAIT);
    assertEquals(
        Set.of("a/1", "b/1"),
        Set.of(first.get(0).request(), first.get(1).request()),
        "each host's first request goes alone");
    workers.expectNoMessage(QUIET);
    Told a1 = first.get(0).request().equals("a/1") ? first.get(0) : first.get(1);
    Told b1 = a1 == first.get(0) ? first.get(1) : first.get(0);

    answer(router, a1, "429");
    outcomes(gather, 1); // handled: the pause is set
    answer(router, b1, "ok");
    assertEquals(Set.of("b/2"), requests(workers, 1), "the other host flows");
    passTime(Duration.ofMillis(1999));
    workers.expectNoMessage(QUIET);

    passTime(Duration.ofMillis(1));
    assertEquals(Set.of("a/2"), requests(workers, 1), "after the pause, the next goes alone");
    workers.expectNoMessage(QUIET);
  }

  @Test
  void aHostIsAskedOnceBeforeItsFirstRequestAndItsRefusalsEndWithoutAStart() {
    TestProbe<Told> workers = testKit.createTestProbe();
    TestProbe<ThrottlingRouter.Reply> gather = testKit.createTestProbe();
    ActorRef<ThrottlingRouter.Command> router =
        router(
            PoolSettings.create(testKit.system()).withMaxConcurrency(10),
            new TestPolicy(true),
            workers);
    Batch batch = new Batch(1, null, gather.ref(), false);
    submit(router, batch, 0, "a/private", "a/open", "b/x");

    List<Told> probes = workers.receiveSeveralMessages(2, WAIT);
    assertEquals(
        Set.of("a/robots.txt", "b/robots.txt"),
        Set.of(probes.get(0).request(), probes.get(1).request()));
    assertTrue(
        probes.stream().allMatch(told -> told.job().batch().id() == Politeness.PROBE_BATCH_ID));
    submit(router, batch, 3, "a/more");
    workers.expectNoMessage(
        QUIET); // no second probe while the first is out, and no request before it

    Told probeOfA = probes.get(0).request().startsWith("a/") ? probes.get(0) : probes.get(1);
    answer(router, probeOfA, "User-agent: *");

    assertEquals(Set.of("a/open", "a/more"), requests(workers, 2));
    Outcome.Failure<?> refused =
        assertInstanceOf(Outcome.Failure.class, outcomes(gather, 1).get(0));
    assertEquals(0, refused.index());
    assertEquals(ROBOTS, refused.kind());
    assertEquals(refused.startedAt(), refused.finishedAt(), "never started");
    gather.expectNoMessage(QUIET); // the probe's outcome is no gather's
  }

  @Test
  void aThrottledRequestHasExtraAttemptsBeyondTheRetries() {
    TestProbe<Told> workers = testKit.createTestProbe();
    TestProbe<ThrottlingRouter.Reply> gather = testKit.createTestProbe();
    PoolSettings settings = adaptive().withAdaptive(adaptive().adaptive().withThrottledRetries(2));
    ActorRef<ThrottlingRouter.Command> router = router(settings, new TestPolicy(false), workers);
    Batch batch = new Batch(1, null, gather.ref(), false);
    submit(router, batch, 0, "a/1");

    for (int attempt = 1; attempt <= 3; attempt++) {
      Told told = workers.receiveMessage(WAIT);
      assertEquals(attempt, told.job().attempt());
      Instant now = Instant.now();
      router.tell(
          new ThrottlingRouter.WorkerDone(
              told.worker(),
              1,
              told.job().attempt(),
              Outcome.failure(
                  0,
                  RetryableFailure.succeeding("429", "status 429", Duration.ofSeconds(1)),
                  now,
                  now)));
      if (attempt < 3) {
        workers.expectNoMessage(QUIET); // waits for the pause; nothing is reported yet
        gather.expectNoMessage(Duration.ZERO);
        passTime(Duration.ofSeconds(2));
      }
    }
    Outcome<?> last = outcomes(gather, 1).get(0);
    assertEquals("429", last.getOrThrow(), "the last answer, once the extra attempts are spent");
  }

  @Test
  void aWindowWithNothingLeftHoldsTheHostUntilItResets() {
    TestProbe<Told> workers = testKit.createTestProbe();
    TestProbe<ThrottlingRouter.Reply> gather = testKit.createTestProbe();
    ActorRef<ThrottlingRouter.Command> router = router(adaptive(), new TestPolicy(false), workers);
    Batch batch = new Batch(1, null, gather.ref(), false);
    submit(router, batch, 0, "a/1", "a/2", "a/3");

    Told first = workers.receiveMessage(WAIT);
    answer(router, first, "empty");
    outcomes(gather, 1);
    passTime(Duration.ofMillis(2999));
    workers.expectNoMessage(QUIET);

    passTime(Duration.ofMillis(1));
    assertEquals(Set.of("a/2"), requests(workers, 1));
    workers.expectNoMessage(QUIET);
  }

  @Test
  void withARateThePoolsFirstStartGoesAloneAndTheNextComesOneSpacingAfterItsOutcome() {
    TestProbe<Told> workers = testKit.createTestProbe();
    TestProbe<ThrottlingRouter.Reply> gather = testKit.createTestProbe();
    PoolSettings tenPerSecond =
        PoolSettings.create(testKit.system())
            .withMaxConcurrency(10)
            .withRate(RateLimit.parse("10/s"));
    ActorRef<ThrottlingRouter.Command> router =
        router(tenPerSecond, new TestPolicy(false), workers);
    Batch batch = new Batch(1, null, gather.ref(), false);
    submit(router, batch, 0, "a/1", "b/1", "c/1");

    Told first = workers.receiveMessage(WAIT);
    passTime(Duration.ofSeconds(2));
    workers.expectNoMessage(QUIET); // however long the first takes

    answer(router, first, "ok");
    outcomes(gather, 1);
    passTime(Duration.ofMillis(99));
    workers.expectNoMessage(QUIET);
    passTime(Duration.ofMillis(1));
    assertEquals(1, requests(workers, 1).size());
    passTime(Duration.ofMillis(100));
    assertEquals(
        1, requests(workers, 1).size(), "then one a spacing, without waiting for outcomes");
  }
}
