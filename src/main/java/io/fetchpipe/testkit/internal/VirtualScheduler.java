package io.fetchpipe.testkit.internal;

import com.typesafe.config.Config;
import io.fetchpipe.InternalApi;
import io.fetchpipe.core.internal.ExternalWork;
import java.time.Duration;
import java.util.PriorityQueue;
import java.util.concurrent.ThreadFactory;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.testkit.ExplicitlyTriggeredScheduler;
import scala.concurrent.ExecutionContext;
import scala.concurrent.duration.FiniteDuration;

/**
 * An actor system's scheduler in virtual time: timers fire only when a test moves the clock, and
 * the clock jumps from one due timer to the next instead of creeping in fixed steps. Before each
 * jump it waits until the system is quiet ({@link Quiet}): no work left on its watched dispatchers,
 * so everything the last timers set off has happened and every timer that work schedules counts
 * from the exact instant it was scheduled at. No real time passes for nothing.
 *
 * <p>A subclass of Pekko's ManualTime scheduler, so {@code ManualTime.get(system)} still works on
 * such a system; its {@code timePasses} moves the clock the same way, with default patience. Timers
 * due at a jump run on the calling (test) thread, in the order they are due, as Pekko's ManualTime
 * runs them; a timer with no delay goes to its executor at once.
 */
@InternalApi
public final class VirtualScheduler extends ExplicitlyTriggeredScheduler implements ExternalWork {
  /** How long a move of the clock waits for the system to be quiet, by default. */
  public static final Duration DEFAULT_PATIENCE = Duration.ofSeconds(10);

  /** How long work outside the system (a request on the wire) may take to answer, by default. */
  public static final Duration DEFAULT_GRACE = Duration.ofMillis(200);

  private final LoggingAdapter log;
  private final Object lock = new Object(); // guards timers, now and sequence
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();
  private final Quiet quiet = new Quiet();
  private volatile long now; // nanoseconds of virtual time since the system started
  private long sequence;

  /** The constructor Pekko calls for {@code pekko.scheduler.implementation}. */
  public VirtualScheduler(Config config, LoggingAdapter log, ThreadFactory threadFactory) {
    super(config, log, threadFactory);
    this.log = log;
  }

  /** What tells this scheduler whether the system is quiet. */
  public Quiet quiet() {
    return quiet;
  }

  /** Virtual time since the system started. */
  public Duration now() {
    return Duration.ofNanos(now);
  }

  @Override
  public long currentTimeMs() {
    return now / 1_000_000;
  }

  @Override
  public double maxFrequency() {
    return 1000;
  }

  @Override
  public Runnable begin() {
    return quiet.externalWorkBegins();
  }

  @Override
  public Cancellable scheduleOnce(
      FiniteDuration delay, Runnable runnable, ExecutionContext executor) {
    return add(delay.toNanos(), 0, runnable, executor);
  }

  /** Pekko's periodic timers at a fixed rate (its {@code scheduleAtFixedRate} comes here). */
  @Override
  @Deprecated
  public Cancellable schedule(
      FiniteDuration initialDelay,
      FiniteDuration interval,
      Runnable runnable,
      ExecutionContext executor) {
    if (interval.toNanos() <= 0) {
      throw new IllegalArgumentException(
          "a periodic timer needs a positive interval, got " + interval);
    }
    return add(initialDelay.toNanos(), interval.toNanos(), runnable, executor);
  }

  /**
   * ManualTime's {@code timePasses}: moves the clock by {@code amount}, jumping from timer to timer
   * and waiting for quiet before each jump, with the default patience and grace.
   */
  @Override
  public void timePasses(FiniteDuration amount) {
    advance(Duration.ofNanos(amount.toNanos()), Moves.DEFAULT, () -> true);
  }

  /**
   * Moves the clock forward by {@code amount}: before each jump (to the next due timer, at most
   * {@code moves.step()} ahead) the system is quiet and {@code ready} holds; at the end the clock
   * reads exactly {@code amount} later and the system is quiet again.
   *
   * @throws AssertionError if the system is not quiet, or not ready, within the patience
   */
  public void advance(Duration amount, Moves moves, BooleanSupplier ready) {
    long target = now + amount.toNanos();
    while (true) {
      awaitQuietAndReady(moves, ready);
      long next = Math.min(target, now + moves.stepNanos());
      if (!fireNextUpTo(next)) {
        moveTo(next);
        if (next == target) {
          quiet.await(moves.patience(), moves.grace());
          return;
        }
      }
    }
  }

  /**
   * Moves the clock forward, timer by timer, until {@code condition} holds on a quiet system, and
   * returns how much virtual time that took.
   *
   * @throws AssertionError if the condition still does not hold {@code limit} later
   */
  public Duration advanceUntil(BooleanSupplier condition, Duration limit, Moves moves) {
    long start = now;
    long target = start + limit.toNanos();
    while (true) {
      quiet.await(moves.patience(), moves.grace());
      if (condition.getAsBoolean()) {
        return Duration.ofNanos(now - start);
      }
      if (now >= target) {
        throw new AssertionError("condition still false after " + limit + " of virtual time");
      }
      long next = Math.min(target, now + moves.stepNanos());
      if (!fireNextUpTo(next)) {
        moveTo(next);
      }
    }
  }

  private void awaitQuietAndReady(Moves moves, BooleanSupplier ready) {
    quiet.await(moves.patience(), moves.grace());
    if (!ready.getAsBoolean()) {
      moves.awaitReady().accept(ready);
      quiet.await(moves.patience(), moves.grace());
    }
  }

  /**
   * Fires the timers due at the earliest instant not after {@code limit}, if there is one: the
   * clock moves to that instant first. False when no timer is due by then.
   */
  private boolean fireNextUpTo(long limit) {
    long instant;
    synchronized (lock) {
      Timer first = firstLive();
      if (first == null || first.due > limit) {
        return false;
      }
      instant = first.due;
      now = instant;
    }
    for (Timer due; (due = takeDueAt(instant)) != null; ) {
      due.run();
    }
    return true;
  }

  private Timer takeDueAt(long instant) {
    synchronized (lock) {
      Timer first = firstLive();
      return first != null && first.due == instant ? timers.poll() : null;
    }
  }

  /**
   * The earliest timer still waiting; cancelled ones met on the way are dropped. Under the lock.
   */
  private Timer firstLive() {
    Timer first;
    while ((first = timers.peek()) != null && !first.isWaiting()) {
      timers.poll();
    }
    return first;
  }

  private void moveTo(long instant) {
    synchronized (lock) {
      if (instant > now) {
        now = instant;
      }
    }
  }

  private Cancellable add(
      long delayNanos, long intervalNanos, Runnable runnable, ExecutionContext executor) {
    Timer timer;
    synchronized (lock) {
      timer = new Timer(sequence++, now + Math.max(0, delayNanos), intervalNanos, runnable);
      if (delayNanos > 0) {
        timers.add(timer);
        return timer;
      }
    }
    // Due now: to its executor, as a real scheduler would hand it over; a periodic one comes back.
    executor.execute(timer::run);
    return timer;
  }

  /** How a move of the clock behaves. */
  public record Moves(
      Duration patience, Duration grace, Duration step, Consumer<BooleanSupplier> awaitReady) {
    /** Ten seconds of patience, 200 ms of grace for outside work, jumps of any length. */
    public static final Moves DEFAULT =
        new Moves(
            DEFAULT_PATIENCE,
            DEFAULT_GRACE,
            null,
            ready -> {
              throw new AssertionError("not ready to move virtual time");
            });

    long stepNanos() {
      return step == null ? Long.MAX_VALUE / 4 : step.toNanos();
    }
  }

  /** One timer: due at an instant, then (when periodic) every interval after it. */
  private final class Timer implements Cancellable, Comparable<Timer> {
    private static final int WAITING = 0;
    private static final int DONE = 1;
    private static final int CANCELLED = 2;

    private final long order;
    private final long interval;
    private final Runnable task;
    private long due;
    private volatile int state = WAITING;

    Timer(long order, long due, long interval, Runnable task) {
      this.order = order;
      this.due = due;
      this.interval = interval;
      this.task = task;
    }

    boolean isWaiting() {
      return state == WAITING;
    }

    @Override
    public int compareTo(Timer other) {
      int byDue = Long.compare(due, other.due);
      return byDue != 0 ? byDue : Long.compare(order, other.order);
    }

    void run() {
      if (state != WAITING) {
        return;
      }
      try {
        task.run();
      } catch (RuntimeException e) {
        // As Pekko's schedulers do: a failing periodic task is not run again.
        log.error(e, "a scheduled task failed");
        state = DONE;
        return;
      }
      synchronized (lock) {
        if (interval > 0 && state == WAITING) {
          due += interval;
          timers.add(this);
        } else if (state == WAITING) {
          state = DONE;
        }
      }
    }

    @Override
    public boolean cancel() {
      synchronized (lock) {
        if (state != WAITING) {
          return false;
        }
        state = CANCELLED;
        return true;
      }
    }

    @Override
    public boolean isCancelled() {
      return state == CANCELLED;
    }
  }
}
