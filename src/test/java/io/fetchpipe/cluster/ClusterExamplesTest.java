package io.fetchpipe.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The "From Java" example of docs/cluster.md on a cluster of three actor systems on 127.0.0.1: two
 * nodes offer workers, the third coordinates, and every image gets its thumbnail, made as the
 * pool's config says.
 */
class ClusterExamplesTest {
  /** An image of the application's (a stand-in). */
  record ImageRef(String host, String path) {}

  /** What the application makes of an image (a stand-in). */
  record Thumbnail(String path, int width) {}

  /** What a node runs for one pool (a stand-in): thumbnails as wide as the pool's config says. */
  static WorkerFactory.Serving<ImageRef, Thumbnail> serving(Config config) {
    int width = config.getInt("width");
    return ClusterPoolTest.withNothingToStop(
        (image, context) -> CompletableFuture.completedFuture(new Thumbnail(image.path(), width)));
  }

  // docs/cluster.md: from Java begins
  /** On every node, working or coordinating: how images and thumbnails cross nodes. */
  static void registerPayloads(ActorSystem<?> system) {
    ClusterPayloads.get(system)
        .register(ImageRef.class, PayloadCodec.json(ImageRef.class))
        .register(Thumbnail.class, PayloadCodec.json(Thumbnail.class));
  }

  /** On every node that works: 16 workers per pool, each pool's handler made from the pool's config. */
  static ClusterWorkers.Offer offerWorkers(ActorSystem<?> system) {
    registerPayloads(system);
    return ClusterWorkers.offer(system, "thumbnails", 16, config -> serving(config));
  }

  /** On the node that coordinates: gather, asCompleted and flow as on one node. */
  static List<Outcome<Thumbnail>> thumbnails(ActorSystem<?> system, List<ImageRef> images) {
    registerPayloads(system);
    Config handlerConfig = ConfigFactory.parseString("width = 160");   // sent to every node that works
    PoolSettings settings = PoolSettings.create(system).withMaxConcurrency(24); // in flight on all nodes together
    try (ClusterPool<ImageRef, Thumbnail> pool =
        ClusterPool.create(system, settings, "thumbnails", handlerConfig, ImageRef::host)) {
      pool.awaitOtherNodes(2).toCompletableFuture().join();
      return pool.gather(images).toCompletableFuture().join();
    }
  }
  // docs/cluster.md: from Java ends

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void twoNodesMakeTheThumbnailsTheCoordinatorAsksFor() throws Exception {
    List<ActorTestKit> nodes =
        Stream.generate(
                () -> ActorTestKit.create("fetchpipe-cluster", ClusterPoolTest.nodeConfig(true)))
            .limit(3)
            .toList();
    try {
      List<ActorSystem<?>> systems =
          nodes.stream().<ActorSystem<?>>map(ActorTestKit::system).toList();
      ClusterPoolTest.formCluster(systems, nodes.get(0).createTestProbe());
      ActorSystem<?> coordinator = systems.get(0);
      List<ClusterWorkers.Offer> offers =
          systems.subList(1, 3).stream().map(ClusterExamplesTest::offerWorkers).toList();
      List<ImageRef> images = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        images.add(new ImageRef("img" + i % 3 + ".example", "/photos/" + i + ".jpg"));
      }

      List<Outcome<Thumbnail>> thumbnails = thumbnails(coordinator, images);

      assertEquals(images.size(), thumbnails.size());
      for (int i = 0; i < images.size(); i++) {
        assertEquals(
            new Thumbnail(images.get(i).path(), 160),
            thumbnails.get(i).getOrThrow(),
            "in input order");
      }
      for (ClusterWorkers.Offer offer : offers) {
        offer.withdraw().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    } finally {
      nodes.forEach(ActorTestKit::shutdownTestKit);
    }
  }
}
