package io.fetchpipe.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Name lookups off the caller's thread: answers and failures kept for their time to live (on a
 * clock the test moves), one lookup shared by concurrent callers, literals never looked up, and a
 * failure that names the host.
 */
class NameResolverTest {
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final Duration FAILURE_TTL = Duration.ofSeconds(5);

  private final AtomicLong now = new AtomicLong();
  private final List<String> lookedUp = new CopyOnWriteArrayList<>();
  private NameResolver resolver;

  @AfterEach
  void close() {
    resolver.close();
  }

  private NameResolver resolver(NameResolver.Lookup lookup) {
    resolver =
        new NameResolver(
            host -> {
              lookedUp.add(host);
              return lookup.addressOf(host);
            },
            now::get,
            TTL,
            FAILURE_TTL,
            2);
    return resolver;
  }

  private static InetAddress loopback(String host) throws UnknownHostException {
    return InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1});
  }

  private static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void anAnswerIsKeptForItsTimeToLive() throws Exception {
    resolver(NameResolverTest::loopback);
    assertEquals("127.0.0.1", get(resolver.resolve("a.test")).getHostAddress());
    now.addAndGet(TTL.toNanos() - 1);
    get(resolver.resolve("a.test"));
    assertEquals(List.of("a.test"), lookedUp, "within its time to live the answer is reused");
    now.addAndGet(1);
    get(resolver.resolve("a.test"));
    assertEquals(List.of("a.test", "a.test"), lookedUp, "then the name is looked up again");
  }

  @Test
  void aFailedLookupNamesTheHostAndIsKeptForTheFailureTimeToLive() throws Exception {
    resolver(
        host -> {
          throw new UnknownHostException("Name or service not known");
        });
    ExecutionException failed =
        assertThrows(ExecutionException.class, () -> get(resolver.resolve("nowhere.test")));
    assertTrue(failed.getCause() instanceof UnknownHostException);
    assertEquals("nowhere.test: Name or service not known", failed.getCause().getMessage());
    assertThrows(ExecutionException.class, () -> get(resolver.resolve("nowhere.test")));
    assertEquals(1, lookedUp.size(), "the failure is kept");
    now.addAndGet(FAILURE_TTL.toNanos());
    assertThrows(ExecutionException.class, () -> get(resolver.resolve("nowhere.test")));
    assertEquals(2, lookedUp.size(), "then the name is tried again");
  }

  @Test
  void concurrentCallersShareOneLookup() throws Exception {
    CountDownLatch answer = new CountDownLatch(1);
    resolver(
        host -> {
          try {
            answer.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return loopback(host);
        });
    CompletionStage<InetAddress> first = resolver.resolve("slow.test");
    CompletionStage<InetAddress> second = resolver.resolve("slow.test");
    assertSame(first, second);
    assertFalse(
        first.toCompletableFuture().isDone(), "the caller is not blocked: the answer comes later");
    answer.countDown();
    get(first);
    assertEquals(List.of("slow.test"), lookedUp);
  }

  @Test
  void addressLiteralsAreNeverLookedUp() throws Exception {
    resolver(NameResolverTest::loopback);
    assertEquals("127.2.0.1", get(resolver.resolve("127.2.0.1")).getHostAddress());
    assertTrue(get(resolver.resolve("[::1]")).isLoopbackAddress());
    assertEquals(List.of(), lookedUp);
    assertEquals(0, resolver.cachedNames());
  }

  @Test
  void expiredAnswersAreDroppedBySweeping() throws Exception {
    resolver(NameResolverTest::loopback);
    get(resolver.resolve("a.test"));
    get(resolver.resolve("b.test"));
    resolver.sweep();
    assertEquals(2, resolver.cachedNames());
    now.addAndGet(TTL.toNanos());
    resolver.sweep();
    assertEquals(0, resolver.cachedNames());
  }

  @Test
  void closingFailsTheLookupsStillWaitingForAThread() throws Exception {
    CountDownLatch answer = new CountDownLatch(1);
    CompletableFuture<Void> busy = new CompletableFuture<>();
    resolver(
        host -> {
          busy.complete(null);
          try {
            answer.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return loopback(host);
        });
    resolver.resolve("one.test");
    resolver.resolve("two.test"); // both threads busy
    get(busy);
    CompletionStage<InetAddress> queued = resolver.resolve("three.test");
    resolver.close();
    ExecutionException failed = assertThrows(ExecutionException.class, () -> get(queued));
    assertTrue(
        failed.getCause().getMessage().startsWith("three.test"), failed.getCause().getMessage());
    answer.countDown();
  }
}
