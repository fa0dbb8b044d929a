package io.fetchpipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.core.GatherOptions;
import io.fetchpipe.core.JobPool;
import io.fetchpipe.core.Order;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.core.Task;
import io.fetchpipe.core.TaskPool;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.Fetcher;
import io.fetchpipe.http.server.TestServer;
import io.fetchpipe.queue.Pipeline;
import io.fetchpipe.queue.PipelineSettings;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A library starts nothing it does not stop: an application that creates, uses and closes pools and
 * fetchers over and over in one actor system ends with the actors and threads it began with.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClosingReleasesEverythingTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private TestServer server;

  @BeforeAll
  void startServer() throws Exception {
    server = TestServer.start(testKit.system()).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  void stopServer() throws Exception {
    server.stop(Duration.ofMillis(200)).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aThousandPoolsAndTwoHundredFetchersLeaveNoActorOrThreadBehind() throws Exception {
    ActorSystem<?> system = testKit.system();
    TestProbe<Object> probe = testKit.createTestProbe();
    // One round of everything first, so what starts lazily once per system (the HTTP client's
    // pool master, DNS, the dispatchers' threads) is part of the starting point.
    for (int i = 0; i < 5; i++) {
      useAndCloseTaskPool(system, i);
      useAndCloseFetcher(system);
    }
    usePipeline(system);
    awaitSettled(probe);
    int actorsBefore = liveActors(system);
    int threadsBefore = liveThreads();

    for (int i = 0; i < 1000; i++) {
      useAndCloseTaskPool(system, i);
    }
    for (int i = 0; i < 200; i++) {
      useAndCloseFetcher(system);
    }
    for (int i = 0; i < 20; i++) {
      usePipeline(system);
    }

    awaitSettled(probe);
    probe.awaitAssert(
        WAIT,
        () -> {
          assertEquals(actorsBefore, liveActors(system), system.printTree());
          assertTrue(
              liveThreads() <= threadsBefore,
              "threads: " + liveThreads() + ", before: " + threadsBefore);
          return null;
        });
  }

  /** A pool used the ways an application uses one (gather, asCompleted, a flow), then closed. */
  private static void useAndCloseTaskPool(ActorSystem<?> system, int round) throws Exception {
    try (TaskPool pool =
        TaskPool.create(system, PoolSettings.create(system).withMaxConcurrency(3))) {
      List<Outcome<Integer>> outcomes = await(pool.gather(constant(1), constant(2), constant(3)));
      assertEquals(3, outcomes.size());
      if (round % 10 == 0) {
        await(pool.asCompleted(List.of(constant(4), constant(5))).runWith(Sink.seq(), system));
        JobPool<Task<Integer>, Integer> jobs = pool.jobs();
        await(
            Source.from(List.of(constant(6), constant(7)))
                .via(jobs.flow(Order.COMPLETION, 4, GatherOptions.defaults()))
                .runWith(Sink.seq(), system));
      }
    }
  }

  private void useAndCloseFetcher(ActorSystem<?> system) throws Exception {
    try (Fetcher fetcher = Fetcher.create(system)) {
      List<Outcome<FetchResponse>> outcomes =
          await(
              fetcher.fetchAll(
                  List.of(server.address() + "/get", server.address() + "/bytes/100")));
      assertTrue(outcomes.stream().allMatch(Outcome::isSuccess), outcomes.toString());
    }
  }

  private static void usePipeline(ActorSystem<?> system) throws Exception {
    await(
        Pipeline.create(system, new PipelineSettings(5, 2, 64))
            .run(Source.range(1, 20), (item, context) -> CompletableFuture.completedFuture(item)));
  }

  private static Task<Integer> constant(int value) {
    return Task.of(() -> CompletableFuture.completedFuture(value));
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /**
   * Waits until no connection is open any more and fetchpipe's guardian has no child: closing cuts
   * connections at once, but each end's actors stop a moment later.
   */
  private void awaitSettled(TestProbe<Object> probe) {
    probe.awaitAssert(
        WAIT,
        () -> {
          String tree = testKit.system().printTree();
          assertTrue(
              !tree.contains("TcpIncomingConnection") && !tree.contains("TcpOutgoingConnection"),
              tree);
          assertTrue(
              tree.lines()
                  .anyMatch(line -> line.contains("-> fetchpipe ") && line.endsWith("no children")),
              tree);
          return null;
        });
  }

  private int liveActors(ActorSystem<?> system) {
    return (int) system.printTree().lines().filter(line -> line.contains("-> ")).count();
  }

  private static int liveThreads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }
}
