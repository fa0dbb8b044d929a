package io.fetchpipe.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How long a blocking {@code close()} waits at most is what its Javadoc says: the pool's close
 * timeout plus 5 seconds, and the close timeout once more for a task pool's own actor system.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CloseWaitLimitTest {
  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private final PoolSettings twoSeconds =
      PoolSettings.create(testKit.system()).withCloseTimeout(Duration.ofSeconds(2));

  @Test
  void aJobPoolWaitsItsCloseTimeoutPlusFiveSeconds() {
    try (JobPool<String, Integer> pool =
        JobPool.create(
            testKit.system(),
            twoSeconds,
            (text, context) -> CompletableFuture.completedFuture(text.length()))) {
      assertEquals(Duration.ofSeconds(7), pool.closeWaitLimit());
    }
  }

  @Test
  void aTaskPoolOnTheCallersSystemWaitsAsAJobPoolDoes() {
    try (TaskPool pool = TaskPool.create(testKit.system(), twoSeconds)) {
      assertEquals(Duration.ofSeconds(7), pool.closeWaitLimit());
    }
  }

  @Test
  void aTaskPoolWithItsOwnSystemWaitsItsCloseTimeoutOnceMoreForTheSystem() {
    try (TaskPool pool = TaskPool.create()) {
      Duration closeTimeout = pool.settings().closeTimeout();
      assertEquals(closeTimeout.multipliedBy(2).plusSeconds(5), pool.closeWaitLimit());
    }
  }
}
