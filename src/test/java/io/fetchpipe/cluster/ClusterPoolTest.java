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
import org.apache.pekko.Done;
import org.apache.pekko.actor.DeadLetter;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A pool over three actor systems forming a cluster on 127.0.0.1 (random ports): the jobs run on
 * every node, and when one node vanishes mid-gather (no leaving, as if its process were killed),
 * the cluster removes it and its unfinished jobs run elsewhere: every job has exactly one
 * outcome, no job message ends in dead letters, and the gather completes soon after the loss.
 */
class ClusterPoolTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final List<ActorTestKit> nodes = new ArrayList<>();

  private static Config nodeConfig(boolean abrupt) {
    return ConfigFactory.parseString(String.join("\n",
            "pekko.actor.provider = cluster",
            "pekko.remote.artery.canonical.hostname = 127.0.0.1",
            "pekko.remote.artery.canonical.port = 0",
            "pekko.cluster.downing-provider-class = \"org.apache.pekko.cluster.sbr.SplitBrainResolverProvider\"",
            "pekko.cluster.split-brain-resolver.stable-after = 3s",
            "pekko.cluster.jmx.enabled = off",
            "pekko.coordinated-shutdown.run-by-actor-system-terminate = " + (abrupt ? "off" : "on"),
            "pekko.loglevel = WARNING"))
        .withFallback(ActorTestKit.applicationTestConfig());
  }

  /** A node of the cluster; all have the same system name, as cluster members must. */
  private ActorSystem<?> node(boolean abrupt) {
    ActorTestKit kit = ActorTestKit.create("fetchpipe-cluster", nodeConfig(abrupt));
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
  private static WorkerFactory<Integer, Integer> doubling(ActorSystem<?> system, AtomicInteger handled) {
    JobHandler<Integer, Integer> handler = (n, context) -> {
      handled.incrementAndGet();
      return Delay.after(system, Duration.ofMillis(2), () -> n * 2);
    };
    return config -> new WorkerFactory.Serving<>() {
      @Override
      public JobHandler<Integer, Integer> handler() {
        return handler;
      }

      @Override
      public CompletionStage<Done> stop() {
        return CompletableFuture.completedFuture(Done.getInstance());
      }
    };
  }

  private static void formCluster(List<ActorSystem<?>> systems, TestProbe<Object> probe) {
    Cluster first = Cluster.get(systems.get(0));
    for (ActorSystem<?> system : systems) {
      Cluster.get(system).manager().tell(Join.create(first.selfMember().address()));
    }
    probe.awaitAssert(WAIT, () -> {
      for (ActorSystem<?> system : systems) {
        assertEquals(systems.size(), countUp(system), "members up on " + Cluster.get(system).selfMember());
      }
      return null;
    });
  }

  private static long countUp(ActorSystem<?> system) {
    return java.util.stream.StreamSupport.stream(Cluster.get(system).state().getMembers().spliterator(), false)
        .filter(member -> member.status() == MemberStatus.up())
        .count();
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

    List<AtomicInteger> handled = List.of(new AtomicInteger(), new AtomicInteger(), new AtomicInteger());
    for (int i = 0; i < systems.size(); i++) {
      ClusterWorkers.offer(systems.get(i), "doubling", 8, doubling(systems.get(i), handled.get(i)));
    }
    ConcurrentLinkedQueue<Object> lostJobMessages = new ConcurrentLinkedQueue<>();
    for (ActorSystem<?> survivor : List.of(coordinator, worker)) {
      survivor.eventStream().tell(new EventStream.Subscribe<>(DeadLetter.class,
          survivor.systemActorOf(Behaviors.<DeadLetter>receiveMessage(dead -> {
            String type = dead.message().getClass().getName();
            if (type.startsWith("io.fetchpipe")) {
              lostJobMessages.add(dead.message());
            }
            return Behaviors.same();
          }), "dead-letter-watch", org.apache.pekko.actor.typed.Props.empty())));
    }

    ClusterPool<Integer, Integer> pool = ClusterPool.create(coordinator, PoolSettings.create(coordinator),
        "doubling", ConfigFactory.empty(), null);
    assertTrue(pool.awaitOtherNodes(2, WAIT), "workers of both other nodes joined");
    List<Integer> jobs = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      jobs.add(i);
    }
    CompletableFuture<List<Outcome<Integer>>> gathered = pool.gather(jobs).toCompletableFuture();
    probe.awaitAssert(WAIT, () -> {
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
}
