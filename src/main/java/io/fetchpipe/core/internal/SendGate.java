package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.core.RateLimit;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Scheduler;
import scala.concurrent.ExecutionContextExecutor;

/**
 * Where a pool's rates are counted again as requests leave: a token gate, per key and for all, that
 * a request passes right before it is written, so the spacing a server sees is the spacing of the
 * moments of sending, not of the router's decisions. The router decides starts at the pool's rate;
 * on their way to the wire (a hop to another thread, a connection to open, cold code, a busy CPU)
 * some starts are held up longer than the next ones, and would reach the server together. The gate
 * lets them out no closer than the rate allows again.
 *
 * <p>{@link #acquire(Object)} completes when the request may go: at once when nothing limits it,
 * else when the pool's rate has a token (the same bucket as the router's: its rate and burst) and
 * its key has rested for its spacing since its last request left (the configured rate per key, a
 * crawl delay, a server's pacing, whichever is longest). Waiting requests leave in the order they
 * came, except that a key that must wait does not hold up others. The first {@value #WARM_UP}
 * requests of the gate (with a rate) and of each spaced key go alone: each next leaves one spacing
 * after the previous one's answer is in ({@link Pass#answered()}), since the first requests wait
 * longest for their connections and cold code (the first connection, the first reuse of one), and
 * anything let out while one waits would reach the server right behind it.
 *
 * <p>All waiting is on the actor system's scheduler (so virtual time drives it too), and what waits
 * runs on the system's dispatcher. Waiting requests hold no thread. {@link #close()} fails what
 * still waits.
 *
 * <p>Where a connection layer calls it: {@code acquire(hostKey)} once the connection the request
 * will be written to is ready, the request written when the stage completes; {@code
 * pass.answered()} when the response head has arrived or the exchange failed.
 */
@InternalApi
public final class SendGate {
  /** A request let through; tell the gate when its answer is in. */
  public interface Pass {
    /** The request's response head arrived, or its exchange failed (idempotent). */
    void answered();
  }

  private static final Pass FREE = () -> {};
  private static final CompletionStage<Pass> OPEN = CompletableFuture.completedFuture(FREE);

  /**
   * Requests that go alone at first, each one spacing after the previous one's answer: the paths to
   * a server are cold for more than one request (the first connection, then the first reuse of
   * one), and a request held up there would be caught up by the next ones.
   */
  static final int WARM_UP = 3;

  /** Keys whose lanes are kept; idle ones beyond it are forgotten (and open again, alone). */
  private static final int MAX_KEYS = 100_000;

  private final Scheduler scheduler;
  private final ExecutionContextExecutor executor;
  private final TokenBucket bucket; // null: no rate for all
  private final Duration keySpacing;
  private final boolean listening;
  private final boolean limited;
  private volatile boolean paced; // a key has ever been paced
  // Guarded by this:
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private final Map<Object, Lane> lanes;
  private GatePass opener;
  private int warmed; // answers of requests that went alone
  private boolean refilling;
  private Cancellable refill;
  private boolean closed;

  private record Waiter(Object key, CompletableFuture<Pass> promise) {}

  private record Release(Pass pass, CompletableFuture<Pass> promise) {}

  /** One key's state at the gate. */
  private static final class Lane {
    boolean resting;
    long rest;
    Duration crawlDelay = Duration.ZERO;
    Duration pace = Duration.ZERO;
    long paceNumber;
    GatePass opener;
    int warmed;
    Cancellable restTimer;
    Cancellable paceTimer;

    boolean ready() {
      return !resting && opener == null;
    }

    boolean idle() {
      return ready() && crawlDelay.isZero() && pace.isZero();
    }
  }

  private final class GatePass implements Pass {
    final Object key;
    boolean done; // guarded by the gate

    GatePass(Object key) {
      this.key = key;
    }

    @Override
    public void answered() {
      SendGate.this.answered(this);
    }
  }

  private SendGate(
      ActorSystem<?> system, RateLimit rate, RateLimit perKey, Duration tick, boolean listening) {
    this.scheduler = system.scheduler();
    this.executor = system.executionContext();
    this.bucket = rate.isUnlimited() ? null : new TokenBucket(rate, tick);
    this.keySpacing = perKey.spacing();
    this.listening = listening;
    this.limited = bucket != null || !keySpacing.isZero();
    this.lanes =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<Object, Lane> eldest) {
            return size() > MAX_KEYS && eldest.getValue().idle();
          }
        };
  }

  /**
   * The gate of a pool with {@code settings}: its rate, its rate per key, and, when the pool
   * adapts, what servers say about their pace ({@link #heard}).
   */
  public static SendGate create(ActorSystem<?> system, PoolSettings settings) {
    return new SendGate(
        system,
        settings.rate(),
        settings.maxRatePerKey(),
        settings.rateTick(),
        settings.adaptive().enabled());
  }

  /** A gate with no rates of its own: only crawl delays hold requests back. */
  public static SendGate unlimited(ActorSystem<?> system) {
    return new SendGate(
        system, RateLimit.unlimited(), RateLimit.unlimited(), Duration.ofMillis(10), false);
  }

  /** Completes when a request of {@code key} may be written; fails if the gate closes first. */
  public CompletionStage<Pass> acquire(Object key) {
    if (!limited && !paced) {
      return OPEN;
    }
    CompletableFuture<Pass> promise = new CompletableFuture<>();
    List<Release> released;
    synchronized (this) {
      if (closed) {
        return CompletableFuture.failedFuture(new IllegalStateException("the gate is closed"));
      }
      waiters.addLast(new Waiter(key, promise));
      released = pump();
    }
    complete(released);
    return promise;
  }

  /** Whether the gate uses what servers say ({@link #heard}): the pool adapts. */
  public boolean listens() {
    return listening;
  }

  /**
   * What a server of {@code key} said, when the gate listens: a rate-limit window with requests
   * left spaces the key's requests over the time left until it resets. Pauses (a {@code
   * Retry-After}, a window with nothing left) are the router's alone: it starts nothing for the key
   * meanwhile, and a request held here that long would only run out of time before it is sent.
   */
  public void heard(Object key, HostFeedback feedback) {
    HostFeedback.Pacing pacing = feedback.pacing();
    if (listening && pacing != null && pacing.remaining() > 0 && !pacing.reset().isZero()) {
      pace(key, pacing.reset().dividedBy(pacing.remaining()), pacing.reset());
    }
  }

  /**
   * From now on, requests of {@code key} leave at least {@code delay} apart (robots.txt's
   * Crawl-delay).
   */
  public void crawlDelay(Object key, Duration delay) {
    if (delay.isZero()) {
      return;
    }
    paced = true;
    synchronized (this) {
      lane(key).crawlDelay = delay;
    }
  }

  private void pace(Object key, Duration spacing, Duration lasting) {
    paced = true;
    synchronized (this) {
      if (closed) {
        return;
      }
      Lane lane = lane(key);
      lane.pace = spacing;
      long number = ++lane.paceNumber;
      lane.paceTimer = replace(lane.paceTimer, lasting, () -> paceOver(key, number));
    }
  }

  private void paceOver(Object key, long number) {
    synchronized (this) {
      Lane lane = lanes.get(key);
      if (lane != null && lane.paceNumber == number) {
        lane.pace = Duration.ZERO;
      }
    }
  }

  /**
   * Lets out every waiting request that may go now, in order; the caller completes them unlocked.
   */
  private List<Release> pump() {
    List<Release> released = null;
    for (Iterator<Waiter> it = waiters.iterator(); it.hasNext() && globalReady(); ) {
      Waiter waiter = it.next();
      Lane lane = lanes.get(waiter.key());
      if (lane != null && !lane.ready()) {
        continue;
      }
      it.remove();
      GatePass pass = new GatePass(waiter.key());
      if (bucket != null) {
        bucket.take();
        if (warmed < WARM_UP && opener == null) {
          opener = pass;
        }
        startRefilling();
      }
      Duration spacing = spacing(lane);
      if (!spacing.isZero()) {
        lane = lane(waiter.key());
        rest(lane, waiter.key(), spacing);
        if (lane.warmed < WARM_UP && lane.opener == null) {
          lane.opener = pass;
        }
      }
      if (released == null) {
        released = new ArrayList<>();
      }
      released.add(new Release(pass, waiter.promise()));
    }
    return released;
  }

  private boolean globalReady() {
    return bucket == null || (opener == null && bucket.hasToken());
  }

  private Duration spacing(Lane lane) {
    Duration spacing = keySpacing;
    if (lane != null) {
      spacing = longest(spacing, lane.crawlDelay, lane.pace);
    }
    return spacing;
  }

  private static Duration longest(Duration a, Duration b, Duration c) {
    Duration ab = a.compareTo(b) >= 0 ? a : b;
    return ab.compareTo(c) >= 0 ? ab : c;
  }

  private Lane lane(Object key) {
    Lane lane = lanes.get(key);
    if (lane == null) {
      lane = new Lane();
      // A lane made for a pace or a crawl delay comes from an answer: its key is warm already.
      lane.warmed = keySpacing.isZero() ? WARM_UP : 0;
      lanes.put(key, lane);
    }
    return lane;
  }

  private void rest(Lane lane, Object key, Duration spacing) {
    lane.resting = true;
    long number = ++lane.rest;
    lane.restTimer = replace(lane.restTimer, spacing, () -> rested(key, number));
  }

  private void rested(Object key, long number) {
    List<Release> released;
    synchronized (this) {
      Lane lane = lanes.get(key);
      if (lane == null || lane.rest != number || closed) {
        return;
      }
      lane.resting = false;
      released = pump();
    }
    complete(released);
  }

  /**
   * A new timer in place of {@code previous} (cancelled: it would find its number changed anyway).
   */
  private Cancellable replace(Cancellable previous, Duration delay, Runnable task) {
    if (previous != null) {
      previous.cancel();
    }
    return scheduler.scheduleOnce(delay, task, executor);
  }

  private void startRefilling() {
    if (!refilling && !bucket.isFull() && !closed) {
      refilling = true;
      refill = scheduler.scheduleOnce(bucket.tickInterval(), this::refilled, executor);
    }
  }

  /** One tick's tokens, one tick at a time (as the router's bucket: a late tick adds no burst). */
  private void refilled() {
    List<Release> released;
    synchronized (this) {
      refilling = false;
      if (closed) {
        return;
      }
      bucket.refill();
      released = pump();
      startRefilling();
    }
    complete(released);
  }

  private void answered(GatePass pass) {
    List<Release> released;
    synchronized (this) {
      if (pass.done || closed) {
        return;
      }
      pass.done = true;
      if (opener == pass) {
        // The next request leaves one spacing after this answer, not at once behind it.
        opener = null;
        warmed++;
        bucket.drain();
        startRefilling();
      }
      Lane lane = lanes.get(pass.key);
      if (lane != null && lane.opener == pass) {
        lane.opener = null;
        lane.warmed++;
        rest(lane, pass.key, spacing(lane));
      }
      released = pump();
    }
    complete(released);
  }

  private static void complete(List<Release> released) {
    if (released != null) {
      released.forEach(release -> release.promise().complete(release.pass()));
    }
  }

  /** Fails every request still waiting and stops the gate's timers. */
  public void close() {
    List<Waiter> failed;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (refill != null) {
        refill.cancel();
      }
      for (Lane lane : lanes.values()) {
        for (Cancellable timer : new Cancellable[] {lane.restTimer, lane.paceTimer}) {
          if (timer != null) {
            timer.cancel();
          }
        }
      }
      lanes.clear();
      failed = new ArrayList<>(waiters);
      waiters.clear();
    }
    IllegalStateException closedNow = new IllegalStateException("the gate is closed");
    failed.forEach(waiter -> waiter.promise().completeExceptionally(closedNow));
  }
}
