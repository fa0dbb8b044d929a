package io.fetchpipe.testing;

import io.fetchpipe.testkit.VirtualTime;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Code that blocks its caller (a {@code join()}, as an example in the docs does), run on a thread
 * of its own, so that the test's thread can move virtual time meanwhile. Virtual time cannot see
 * such a thread: {@link #waiting()} is the test's sign that it is parked in a join (or done), so
 * that, once the actor system is quiet too, nothing more happens until time moves.
 *
 * @param <T> what the code returns
 */
public final class OwnThread<T> {
  private final CompletableFuture<T> result = new CompletableFuture<>();
  private final Thread thread;

  private OwnThread(String name, Callable<T> body) {
    thread = new Thread(() -> run(body), name);
    thread.setDaemon(true); // a thread a failed test leaves blocked does not hold the JVM up
  }

  /** Starts {@code body} on a thread named {@code name}. */
  public static <T> OwnThread<T> start(String name, Callable<T> body) {
    OwnThread<T> own = new OwnThread<>(name, body);
    own.thread.start();
    return own;
  }

  private void run(Callable<T> body) {
    try {
      result.complete(body.call());
    } catch (Throwable e) {
      result.completeExceptionally(e);
    }
  }

  /**
   * True while the thread is parked (blocked in a join, a get or a lock's wait), and once it has
   * ended.
   */
  public boolean waiting() {
    Thread.State state = thread.getState();
    return state == Thread.State.WAITING
        || state == Thread.State.TIMED_WAITING
        || state == Thread.State.TERMINATED;
  }

  /**
   * Once the thread waits, moves {@code time} from timer to timer until {@code finished} holds on a
   * quiet system; returns the virtual time that took. For code that waits in one join: the thread's
   * first wait is that join.
   */
  public Duration advanceUntil(VirtualTime time, BooleanSupplier finished, Duration limit) {
    time.await(thread.getName() + " waiting", this::waiting);
    return time.advanceUntil(finished, limit);
  }

  /**
   * What the code returned, waiting at most {@code limit} for it.
   *
   * @throws Exception what the code threw, or a {@link java.util.concurrent.TimeoutException}
   */
  public T result(Duration limit) throws Exception {
    try {
      return result.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}
