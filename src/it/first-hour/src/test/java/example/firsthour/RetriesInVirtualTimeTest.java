package example.firsthour;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.core.RetryableFailure;
import io.fetchpipe.core.Task;
import io.fetchpipe.core.TaskPool;
import io.fetchpipe.testkit.VirtualTime;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Half a minute of retries in virtual time: the waits come out exact, and take no real time. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RetriesInVirtualTimeTest {
  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(VirtualTime.config()).build();

  @Test
  void threeRetriesTenSecondsApartSucceedAtThirtySeconds() throws Exception {
    VirtualTime time = VirtualTime.of(testKit.system());
    Task<Integer> busyThrice =
        context ->
            context.attempt() <= 3
                ? CompletableFuture.failedFuture(
                    RetryableFailure.after(
                        Duration.ofSeconds(10), new IllegalStateException("busy")))
                : CompletableFuture.completedFuture(context.attempt());
    PoolSettings settings = PoolSettings.create(testKit.system());
    try (TaskPool pool =
        TaskPool.create(testKit.system(), settings.withRetry(settings.retry().withMaxRetries(3)))) {
      CompletableFuture<Integer> done = pool.start(busyThrice).toCompletableFuture();

      Duration took = time.advanceUntil(done::isDone, Duration.ofMinutes(1));

      assertEquals(4, done.get(5, TimeUnit.SECONDS), "the fourth attempt succeeds");
      assertEquals(Duration.ofSeconds(30), took);
    }
  }
}
