package io.fetchpipe.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fetchpipe.core.Delay;
import io.fetchpipe.core.JobHandler;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.StreamSupport;
import org.apache.pekko.Done;
import org.apache.pekko.actor.DeadLetter;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.remote.RemoteActorRefProvider;
import org.apache.pekko.remote.transport.ThrottlerTransportAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.FutureConverters;

/**
 * A pool over three actor systems forming a cluster on 127.0.0.1 (random ports): the jobs run on
 * every node, and when one node vanishes mid-gather (no leaving, as if its process were killed),
 * its unfinished jobs run elsewhere: every job has exactly one outcome, no job message ends in dead
 * letters, and the gather completes soon after the loss. A node cut off for a while (its traffic
 * with the coordinator dropped) has its jobs run elsewhere without being removed, and serves again
 * once it is back.
 */
class ClusterPoolTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** Settings whose jobs in flight only the nodes' slots limit. */
  private static final Function<ActorSystem<?>, PoolSettings> UNCAPPED =
      system -> PoolSettings.create(system).withMaxConcurrency(Integer.MAX_VALUE);

  private final List<ActorTestKit> nodes = new ArrayList<>();

  static Config nodeConfig(boolean abrupt) {
    return nodeConfig(abrupt, ConfigFactory.empty());
  }

  private static Config nodeConfig(boolean abrupt, Config extra) {
    return extra
        .withFallback(
            ConfigFactory.parseString(
                String.join(
                    "\n",
                    "pekko.actor.provider = cluster",
                    "pekko.remote.artery.canonical.hostname = 127.0.0.1",
                    "pekko.remote.artery.canonical.port = 0",
                    "pekko.cluster.downing-provider-class = "
                        + "\"org.apache.pekko.cluster.sbr.SplitBrainResolverProvider\"",
                    "pekko.cluster.split-brain-resolver.stable-after = 3s",
                    "pekko.cluster.jmx.enabled = off",
                    "pekko.coordinated-shutdown.run-by-actor-system-terminate = "
                        + (abrupt ? "off" : "on"),
                    "pekko.loglevel = WARNING")))
        .withFallback(ActorTestKit.applicationTestConfig());
  }

  /**
   * Nodes whose traffic can be dropped (Artery's test mode), whose failure detector notices within
   * a couple of seconds, and that the cluster never removes during a test.
   */
  private static final Config CUT_OFF_FOR_A_WHILE =
      ConfigFactory.parseString(
          String.join(
              "\n",
              "pekko.remote.artery.advanced.test-mode = on",
              "pekko.cluster.failure-detector.heartbeat-interval = 200ms",
              "pekko.cluster.failure-detector.acceptable-heartbeat-pause = 1s",
              "pekko.cluster.unreachable-nodes-reaper-interval = 200ms",
              "pekko.cluster.split-brain-resolver.stable-after = 10m"));

  /** A node of the cluster; all have the same system name, as cluster members must. */
  private ActorSystem<?> node(boolean abrupt) {
    return node(nodeConfig(abrupt));
  }

  private ActorSystem<?> node(Config config) {
    ActorTestKit kit = ActorTestKit.create("fetchpipe-cluster", config);
    nodes.add(kit);
    return kit.system();
  }

  @AfterEach
  void stopNodes() {
    for (ActorTestKit kit : nodes) {
      kit.shutdownTestKit();
    }
    nodes.clear();
  }

  /** Doubles n a moment later; counts what it did on this node. */
  private static WorkerFactory<Integer, Integer> doubling(
      ActorSystem<?> system, AtomicInteger handled) {
    return gatedDoubling(system, handled, CompletableFuture.completedFuture(Done.getInstance()));
  }

  /** Doubles n a moment after {@code gate} opens; counts what it was given on this node. */
  private static WorkerFactory<Integer, Integer> gatedDoubling(
      ActorSystem<?> system, AtomicInteger handled, CompletableFuture<Done> gate) {
    JobHandler<Integer, Integer> handler =
        (n, context) -> {
          handled.incrementAndGet();
          return gate.thenCompose(open -> Delay.after(system, Duration.ofMillis(2), () -> n * 2));
        };
    return config -> withNothingToStop(handler);
  }

  /**
   * A node's part of a pool that only needs {@code handler}: nothing to stop when the pool lets go.
   */
  static <Q, R> WorkerFactory.Serving<Q, R> withNothingToStop(JobHandler<Q, R> handler) {
    return new WorkerFactory.Serving<>() {
      @Override
      public JobHandler<Q, R> handler() {
        return handler;
      }

      @Override
      public CompletionStage<Done> stop() {
        return CompletableFuture.completedFuture(Done.getInstance());
      }
    };
  }

  static void formCluster(List<ActorSystem<?>> systems, TestProbe<Object> probe) {
    Cluster first = Cluster.get(systems.get(0));
    for (ActorSystem<?> system : systems) {
      Cluster.get(system).manager().tell(Join.create(first.selfMember().address()));
    }
    probe.awaitAssert(
        WAIT,
        () -> {
          for (ActorSystem<?> system : systems) {
            assertEquals(
                systems.size(),
                countUp(system),
                "members up on " + Cluster.get(system).selfMember());
          }
          return null;
        });
  }

  private static long countUp(ActorSystem<?> system) {
    return StreamSupport.stream(Cluster.get(system).state().getMembers().spliterator(), false)
        .filter(member -> member.status() == MemberStatus.up())
        .count();
  }

  /** The fetchpipe messages that end in dead letters on {@code systems}, from now on. */
  private static ConcurrentLinkedQueue<Object> fetchpipeDeadLetters(List<ActorSystem<?>> systems) {
    ConcurrentLinkedQueue<Object> messages = new ConcurrentLinkedQueue<>();
    for (ActorSystem<?> system : systems) {
      system
          .eventStream()
          .tell(
              new EventStream.Subscribe<>(
                  DeadLetter.class,
                  system.systemActorOf(
                      Behaviors.<DeadLetter>receiveMessage(
                          dead -> {
                            if (dead.message().getClass().getName().startsWith("io.fetchpipe")) {
                              messages.add(dead.message());
                            }
                            return Behaviors.same();
                          }),
                      "dead-letter-watch",
                      Props.empty())));
    }
    return messages;
  }

  /** Every job of a gather of {@code count} succeeded once, in its place, with its value. */
  private static void assertDoubled(List<Outcome<Integer>> outcomes, int count) {
    assertEquals(count, outcomes.size());
    for (int i = 0; i < count; i++) {
      Outcome<Integer> outcome = outcomes.get(i);
      assertEquals(i, outcome.index());
      assertTrue(outcome.isSuccess(), "job " + i + ": " + outcome);
      assertEquals(i * 2, outcome.getOrThrow());
    }
  }

  private static List<Integer> numbers(int count) {
    List<Integer> jobs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      jobs.add(i);
    }
    return jobs;
  }

  /**
   * Drops (or lets through again) all traffic between {@code system} and {@code other}, both ways.
   */
  private static void cutOff(ActorSystem<?> system, ActorSystem<?> other, boolean cut)
      throws Exception {
    RemoteActorRefProvider provider =
        (RemoteActorRefProvider) ((ExtendedActorSystem) Adapter.toClassic(system)).provider();
    Object command =
        new ThrottlerTransportAdapter.SetThrottle(
            Cluster.get(other).selfMember().address(),
            ThrottlerTransportAdapter.bothDirection(),
            cut
                ? ThrottlerTransportAdapter.blackholeThrottleMode()
                : ThrottlerTransportAdapter.unthrottledThrottleMode());
    FutureConverters.asJava(provider.transport().managementCommand(command))
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  @Test
  void aNodeCutOffForAWhileHasItsJobsRunElsewhereAndServesAgainOnceBack() throws Exception {
    ActorSystem<?> coordinator = node(nodeConfig(false, CUT_OFF_FOR_A_WHILE));
    ActorSystem<?> steady = node(nodeConfig(false, CUT_OFF_FOR_A_WHILE));
    ActorSystem<?> flaky = node(nodeConfig(false, CUT_OFF_FOR_A_WHILE));
    List<ActorSystem<?>> systems = List.of(coordinator, steady, flaky);
    ActorTestKit probes = ActorTestKit.create("probes", ActorTestKit.applicationTestConfig());
    nodes.add(probes);
    TestProbe<Object> probe = probes.createTestProbe();
    formCluster(systems, probe);
    AtomicInteger handledHere = new AtomicInteger();
    AtomicInteger handledSteady = new AtomicInteger();
    AtomicInteger handledFlaky = new AtomicInteger();
    CompletableFuture<Done> gate = new CompletableFuture<>();
    ClusterWorkers.offer(coordinator, "doubling", 8, doubling(coordinator, handledHere));
    ClusterWorkers.offer(steady, "doubling", 8, doubling(steady, handledSteady));
    ClusterWorkers.offer(flaky, "doubling", 8, gatedDoubling(flaky, handledFlaky, gate));
    ConcurrentLinkedQueue<Object> lostJobMessages = fetchpipeDeadLetters(systems);
    ClusterPool<Integer, Integer> pool =
        ClusterPool.create(
            coordinator, UNCAPPED.apply(coordinator), "doubling", ConfigFactory.empty(), null);
    assertTrue(pool.awaitOtherNodes(2, WAIT), "workers of both other nodes joined");

    CompletableFuture<List<Outcome<Integer>>> gathered =
        pool.gather(numbers(2_000)).toCompletableFuture();
    probe.awaitAssert(
        WAIT,
        () -> {
          assertEquals(
              8, handledFlaky.get(), "each of the flaky node's workers holds a job, unanswered");
          return null;
        });
    cutOff(coordinator, flaky, true);
    // The cluster keeps the node (no downing within the test): only its being unreachable can
    // bring its eight jobs back.
    assertDoubled(gathered.get(30, TimeUnit.SECONDS), 2_000);
    assertEquals(
        2_000, handledHere.get() + handledSteady.get(), "the flaky node's jobs ran on the others");
    assertEquals(3, countUp(coordinator), "no node was removed");

    cutOff(coordinator, flaky, false);
    gate.complete(Done.getInstance()); // its first jobs end now: those late answers must be dropped
    probe.awaitAssert(
        WAIT,
        () -> {
          assertDoubled(
              pool.gather(numbers(200)).toCompletableFuture().get(30, TimeUnit.SECONDS), 200);
          assertTrue(handledFlaky.get() > 8, "back, the node serves again");
          return null;
        });
    assertEquals(List.of(), List.copyOf(lostJobMessages), "no job message in dead letters");
    pool.close();
  }

  @Test
  void aNodeLostMidGatherLosesNoJobAndEveryJobHasExactlyOneOutcome() throws Exception {
    ActorSystem<?> coordinator = node(false);
    ActorSystem<?> worker = node(false);
    ActorSystem<?> doomed = node(true);
    List<ActorSystem<?>> systems = List.of(coordinator, worker, doomed);
    ActorTestKit probes = ActorTestKit.create("probes", ActorTestKit.applicationTestConfig());
    nodes.add(probes);
    TestProbe<Object> probe = probes.createTestProbe();
    formCluster(systems, probe);

    List<AtomicInteger> handled =
        List.of(new AtomicInteger(), new AtomicInteger(), new AtomicInteger());
    for (int i = 0; i < systems.size(); i++) {
      ClusterWorkers.offer(systems.get(i), "doubling", 8, doubling(systems.get(i), handled.get(i)));
    }
    ConcurrentLinkedQueue<Object> lostJobMessages =
        fetchpipeDeadLetters(List.of(coordinator, worker));

    ClusterPool<Integer, Integer> pool =
        ClusterPool.create(
            coordinator, UNCAPPED.apply(coordinator), "doubling", ConfigFactory.empty(), null);
    assertTrue(pool.awaitOtherNodes(2, WAIT), "workers of both other nodes joined");
    List<Integer> jobs = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      jobs.add(i);
    }
    CompletableFuture<List<Outcome<Integer>>> gathered = pool.gather(jobs).toCompletableFuture();
    probe.awaitAssert(
        WAIT,
        () -> {
          assertTrue(handled.get(2).get() >= 500, "the doomed node works: " + handled.get(2).get());
          return null;
        });
    doomed.terminate(); // gone without leaving: the others' failure detector and downing notice

    List<Outcome<Integer>> outcomes = gathered.get(30, TimeUnit.SECONDS); // within 30 s of the loss
    BitSet seen = new BitSet();
    for (int i = 0; i < outcomes.size(); i++) {
      Outcome<Integer> outcome = outcomes.get(i);
      assertEquals(i, outcome.index());
      assertTrue(outcome.isSuccess(), "job " + i + ": " + outcome);
      assertEquals(i * 2, outcome.getOrThrow());
      seen.set(outcome.index());
    }
    assertEquals(10_000, seen.cardinality());
    assertTrue(handled.get(0).get() > 0 && handled.get(1).get() > 0, "every node worked");
    assertTrue(handled.get(0).get() + handled.get(1).get() + handled.get(2).get() >= 10_000);
    assertEquals(List.of(), List.copyOf(lostJobMessages), "no job message in dead letters");
    pool.close();
  }

  @Test
  void maxConcurrencyCapsTheJobsInFlightOnAllNodesTogether() throws Exception {
    ActorSystem<?> coordinator = node(false);
    ActorSystem<?> worker = node(false);
    List<ActorSystem<?>> systems = List.of(coordinator, worker);
    ActorTestKit probes = ActorTestKit.create("probes", ActorTestKit.applicationTestConfig());
    nodes.add(probes);
    formCluster(systems, probes.createTestProbe());
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger mostInFlight = new AtomicInteger();
    CompletableFuture<Done> capReached = new CompletableFuture<>(); // the first jobs wait for it
    for (ActorSystem<?> system : systems) { // 8 slots in all, on two nodes
      JobHandler<Integer, Integer> handler =
          (n, context) -> {
            int now = inFlight.incrementAndGet();
            mostInFlight.accumulateAndGet(now, Math::max);
            if (now == 3) {
              capReached.complete(Done.getInstance());
            }
            return capReached
                .thenCompose(open -> Delay.after(system, Duration.ofMillis(2), () -> n * 2))
                .whenComplete((doubled, error) -> inFlight.decrementAndGet());
          };
      ClusterWorkers.offer(system, "capped", 4, config -> withNothingToStop(handler));
    }
    ClusterPool<Integer, Integer> pool =
        ClusterPool.create(
            coordinator,
            PoolSettings.create(coordinator).withMaxConcurrency(3),
            "capped",
            ConfigFactory.empty(),
            null);
    assertTrue(pool.awaitOtherNodes(1, WAIT), "the other node's workers joined");

    assertDoubled(pool.gather(numbers(300)).toCompletableFuture().get(30, TimeUnit.SECONDS), 300);
    assertEquals(
        3, mostInFlight.get(), "never more than max-concurrency jobs at once on the two nodes");
    pool.close();
  }
}
