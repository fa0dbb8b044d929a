package io.fetchpipe.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A fetcher's host pools: idle ones beyond {@code max-idle} close, the longest idle first, in
 * constant time per request however many hosts there are; a pool in use never closes.
 */
class HostPoolsTest {
  private static final Duration LONG = Duration.ofHours(1); // the idle sweep stays out of the way

  private final ActorTestKit testKit = ActorTestKit.create();
  private Materializer materializer;
  private HostPools pools;

  @BeforeEach
  void start() {
    materializer = Materializer.createMaterializer(testKit.system());
    pools = new HostPools(testKit.system(), materializer,
        ConnectionPoolSettings.create(testKit.system().classicSystem()), 32, LONG, 2);
  }

  @AfterEach
  void stop() throws Exception {
    pools.shutdown(Duration.ofSeconds(1), () -> { }).toCompletableFuture().get(10, TimeUnit.SECONDS);
    materializer.shutdown();
    testKit.shutdownTestKit();
  }

  /** A host nobody listens on: no request is sent in these tests, so none connects. */
  private static TargetUrl host(int n) {
    return TargetUrl.parse("http://127.0.0.1:" + (1000 + n) + "/");
  }

  @Test
  void poolsInUseStayOpenAndIdleOnesBeyondTheLimitClose() {
    List<HostPools.Lease> held = new ArrayList<>();
    for (int n = 0; n < 4; n++) {
      held.add(pools.lease(host(n)));
    }
    assertEquals(4, pools.openPools(), "a pool in use never closes, whatever the limit");
    held.forEach(HostPools.Lease::release);
    assertEquals(2, pools.openPools(), "once released, only max-idle stay open");
    assertEquals(4, pools.poolsOpened());
  }

  @Test
  void theLongestIdleCloseFirstAndARecentOneIsReused() {
    HostPools.Lease busy = pools.lease(host(0));
    pools.lease(host(1)).release();
    pools.lease(host(2)).release();
    pools.lease(host(3)).release(); // idle: 2 and 3; 1 closed
    assertEquals(3, pools.openPools());
    pools.lease(host(2)).release();
    assertEquals(4, pools.poolsOpened(), "host 2's pool was still open");
    pools.lease(host(1)).release();
    assertEquals(5, pools.poolsOpened(), "host 1's had closed");
    busy.release();
    assertEquals(2, pools.openPools());
  }

  @Test
  void afterShutdownALeaseOpensNothingAndItsRequestFailsAtOnce() throws Exception {
    pools.shutdown(Duration.ofSeconds(1), () -> { }).toCompletableFuture().get(10, TimeUnit.SECONDS);
    HostPools.Lease late = pools.lease(host(0));
    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> late.send(HttpRequest.create("/")).toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertEquals("connection pool closed", failed.getCause().getMessage());
    late.release();
    assertEquals(0, pools.openPools());
    assertEquals(0, pools.poolsOpened());
  }
}
