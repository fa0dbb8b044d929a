package io.fetchpipe.testkit.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.internal.ExternalWork;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Whether an actor system is quiet: no task waiting or running on any of its watched dispatchers
 * ({@link WatchedExecutor} counts them as they are handed over), so no message is left in a mailbox
 * there and nothing those dispatchers run is under way. Work outside the dispatchers that the
 * system will hear back from (a request on the wire) is counted apart ({@link
 * #externalWorkBegins()}): while some is pending, the system is quiet only once the latest of it
 * began a grace period of real time ago, for its answer to arrive. Work that has had its grace and
 * is still pending (a server that never answers) holds nothing up any more.
 */
@InternalApi
public final class Quiet {
  private final AtomicLong busy = new AtomicLong();
  private final AtomicInteger external = new AtomicInteger();
  private volatile long latestExternalBegin;
  private final Map<String, AtomicLong> busyByDispatcher = new ConcurrentHashMap<>();
  private final Object changes = new Object();

  Quiet() {}

  /** The counter of one dispatcher's tasks. */
  Counter counter(String dispatcher) {
    return new Counter(busyByDispatcher.computeIfAbsent(dispatcher, name -> new AtomicLong()));
  }

  /** One dispatcher's count of tasks handed over and not yet finished. */
  final class Counter {
    private final AtomicLong own;

    private Counter(AtomicLong own) {
      this.own = own;
    }

    void taskHandedOver() {
      own.incrementAndGet();
      busy.incrementAndGet();
    }

    void taskFinished() {
      own.decrementAndGet();
      if (busy.decrementAndGet() == 0) {
        signal();
      }
    }
  }

  /** Notes outside work; the returned action ends it (once). */
  Runnable externalWorkBegins() {
    latestExternalBegin = System.nanoTime();
    external.incrementAndGet();
    return ExternalWork.once(
        () -> {
          if (external.decrementAndGet() == 0) {
            signal();
          }
        });
  }

  /** Whether no watched dispatcher has work now. */
  public boolean isIdle() {
    return busy.get() == 0;
  }

  /**
   * Waits until the system is quiet: its dispatchers idle and, while outside work is pending, idle
   * still once the latest of it began {@code grace} of real time ago (or it is over).
   *
   * @throws AssertionError if the dispatchers are not idle within {@code patience}
   */
  public void await(Duration patience, Duration grace) {
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      awaitIdle(deadline, patience);
      long graceEnd = latestExternalBegin + grace.toNanos();
      if (external.get() == 0 || System.nanoTime() - graceEnd >= 0) {
        return;
      }
      waitForChange(graceEnd - deadline < 0 ? graceEnd : deadline, () -> external.get() == 0);
    }
  }

  private void awaitIdle(long deadline, Duration patience) {
    if (!waitForChange(deadline, this::isIdle)) {
      throw new AssertionError(
          "the actor system was not quiet after "
              + patience
              + ": tasks still running on "
              + busyDispatchers());
    }
  }

  /** Waits until {@code condition} holds or the deadline passes; whether it holds. */
  private boolean waitForChange(long deadline, BooleanSupplier condition) {
    synchronized (changes) {
      while (!condition.getAsBoolean()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          changes.wait(left / 1_000_000, (int) (left % 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted while waiting for the actor system to be quiet", e);
        }
      }
      return true;
    }
  }

  private void signal() {
    synchronized (changes) {
      changes.notifyAll();
    }
  }

  private Map<String, Long> busyDispatchers() {
    Map<String, Long> busyOnes = new TreeMap<>();
    busyByDispatcher.forEach(
        (name, count) -> {
          if (count.get() > 0) {
            busyOnes.put(name, count.get());
          }
        });
    return busyOnes;
  }
}
