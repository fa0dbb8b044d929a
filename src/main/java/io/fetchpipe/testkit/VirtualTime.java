package io.fetchpipe.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fetchpipe.testkit.internal.VirtualScheduler;
import io.fetchpipe.testkit.internal.WatchedExecutor;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Pools in virtual time: the actor system's scheduler moves only when the test says so, so every
 * delay, timeout, deadline, rate token and retry wait of fetchpipe passes at once, and a test of a
 * 30 s retry takes milliseconds.
 *
 * <pre>{@code
 * @JUnit5TestKit
 * ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(VirtualTime.config()).build();
 * ...
 * VirtualTime time = VirtualTime.of(testKit.system());
 * Duration took = time.advanceUntil(result::isDone, Duration.ofSeconds(60)); // e.g. exactly PT30S
 * }</pre>
 *
 * <p>Time jumps from one due timer to the next. Before each jump it waits, in real time, until the
 * system is quiet: no work is left on its dispatchers (the default, internal and blocking ones, and
 * fetchpipe's), so whatever the last timers set off has happened, and a timer that work schedules
 * counts from the exact instant it was scheduled at. A step of virtual time therefore costs what
 * the system does in it, not a fixed sleep. A request of a {@code Fetcher} on the wire is work
 * outside the dispatchers: time waits for its answer, at most the {@link #withSettle(Duration)
 * settle time} (200 ms) of real time from when it was sent.
 *
 * <p>What the system cannot see is the test's to say: work on threads of the test's own (a {@code
 * Thread.sleep} in a task, an executor of its own) and servers in other processes. Wait for it with
 * {@link #await(String, BooleanSupplier)} or a {@code ready} condition before moving time.
 *
 * <p>Every wait here is bounded by {@link #withPatience(Duration) patience} and fails the test with
 * an {@link AssertionError} when it runs out.
 */
public final class VirtualTime {
  private static final Duration POLL = Duration.ofMillis(1);
  // The dispatchers whose tasks tell whether the system is quiet. Pekko's I/O selectors run on
  // pinned dispatchers that are never idle, and are left out.
  private static final List<String> WATCHED_DISPATCHERS =
      List.of(
          "pekko.actor.default-dispatcher",
          "pekko.actor.internal-dispatcher",
          "pekko.actor.default-blocking-io-dispatcher",
          "fetchpipe.dispatcher",
          "fetchpipe.blocking-dispatcher");

  private final VirtualScheduler scheduler;
  private final ManualTime manualTime;
  private final TestProbe<Void> waiter;
  private final Duration step;
  private final Duration patience;
  private final Duration settle;

  private VirtualTime(
      VirtualScheduler scheduler,
      ManualTime manualTime,
      TestProbe<Void> waiter,
      Duration step,
      Duration patience,
      Duration settle) {
    this.scheduler = scheduler;
    this.manualTime = manualTime;
    this.waiter = waiter;
    this.step = step == null ? null : positive(step, "step");
    this.patience = positive(patience, "patience");
    this.settle = notNegative(settle, "settle");
  }

  /**
   * The test kit configuration for virtual time, for {@code JUnit5TestKitBuilder.withCustomConfig}
   * or {@code ActorTestKit.create(config)}: fetchpipe's virtual scheduler (a Pekko ManualTime
   * scheduler, so {@code ManualTime.get(system)} works too) and dispatchers that tell it when the
   * system is quiet, over the application's test configuration ({@code application-test.conf}).
   */
  public static Config config() {
    Config base = ActorTestKit.applicationTestConfig();
    StringBuilder virtual =
        new StringBuilder()
            .append("pekko.scheduler.implementation = \"")
            .append(VirtualScheduler.class.getName())
            .append("\"\n");
    for (String dispatcher : WATCHED_DISPATCHERS) {
      if (base.hasPath(dispatcher + ".executor")) {
        virtual
            .append(dispatcher)
            .append(".executor = \"")
            .append(WatchedExecutor.class.getName())
            .append("\"\n")
            .append(dispatcher)
            .append('.')
            .append(WatchedExecutor.WRAPPED)
            .append(" = \"")
            .append(executorOf(base.getConfig(dispatcher)))
            .append("\"\n");
      }
    }
    return ConfigFactory.parseString(virtual.toString()).withFallback(base);
  }

  /** The executor a dispatcher's config chooses, with Pekko's {@code default-executor} resolved. */
  private static String executorOf(Config dispatcher) {
    String executor = dispatcher.getString("executor");
    return executor.equals("default-executor")
        ? dispatcher.getString("default-executor.fallback")
        : executor;
  }

  /**
   * Virtual time of {@code system}, with 10 s of patience and 200 ms of settle time; jumps are as
   * long as the next timer is far.
   *
   * @throws IllegalArgumentException if the system was not started with {@link #config()}
   */
  public static VirtualTime of(ActorSystem<?> system) {
    if (!(system.classicSystem().scheduler() instanceof VirtualScheduler scheduler)) {
      throw new IllegalArgumentException(
          "the actor system does not run in virtual time: start it with "
              + "VirtualTime.config() (e.g. new JUnit5TestKitBuilder().withCustomConfig(VirtualTime.config()))");
    }
    return new VirtualTime(
        scheduler,
        ManualTime.get(system),
        TestProbe.create(system),
        null,
        VirtualScheduler.DEFAULT_PATIENCE,
        VirtualScheduler.DEFAULT_GRACE);
  }

  /**
   * A copy that jumps at most {@code step} at a time, stopping (and waiting for quiet) at least
   * that often even where no timer is due: for tests whose work comes from outside the system.
   */
  public VirtualTime withStep(Duration step) {
    return new VirtualTime(scheduler, manualTime, waiter, step, patience, settle);
  }

  /** A copy that waits at most {@code patience} (real time) for any condition, and for quiet. */
  public VirtualTime withPatience(Duration patience) {
    return new VirtualTime(scheduler, manualTime, waiter, step, patience, settle);
  }

  /**
   * A copy in which a request on the wire holds virtual time up for at most {@code settle} of real
   * time from when it was sent: how long its answer may take to arrive before the next timer fires
   * anyway (a server that never answers holds nothing up after that). Zero moves on as soon as the
   * dispatchers are idle.
   */
  public VirtualTime withSettle(Duration settle) {
    return new VirtualTime(scheduler, manualTime, waiter, step, patience, settle);
  }

  /** Pekko's ManualTime of the same system, for what this class does not offer. */
  public ManualTime manualTime() {
    return manualTime;
  }

  /**
   * Virtual time since the actor system started. Read inside a timer's callback (a {@code
   * Delay.after} value), it is the instant the timer was due.
   */
  public Duration now() {
    return scheduler.now();
  }

  /**
   * Waits, without moving virtual time, until {@code condition} holds: for instance until a probe
   * or a counter shows that work the system cannot see (a server in another process) is done.
   *
   * @throws AssertionError if it does not hold within the patience
   */
  public void await(String what, BooleanSupplier condition) {
    try {
      waiter.awaitAssert(patience, POLL, () -> check(condition, what));
    } catch (AssertionError e) {
      throw new AssertionError(
          "still not " + what + " after " + patience + " (virtual time " + now() + ")", e);
    }
  }

  /**
   * Waits, without moving virtual time, until the system is quiet: nothing left to do on its
   * dispatchers (and, with a request on the wire, quiet for the settle time).
   *
   * @throws AssertionError if it is not quiet within the patience
   */
  public void awaitQuiet() {
    scheduler.quiet().await(patience, settle);
  }

  /**
   * Moves virtual time forward by {@code amount}, from one due timer to the next, each jump taken
   * once the system is quiet; returns on a quiet system at exactly {@code amount} later.
   *
   * @throws AssertionError if the system is not quiet within the patience
   */
  public void advance(Duration amount) {
    advance(amount, () -> true);
  }

  /**
   * {@link #advance(Duration)}, each jump taken only once {@code ready} also holds: the test's sign
   * that work the system cannot see is done.
   *
   * @throws AssertionError if {@code ready} does not hold, or the system is not quiet, within the
   *     patience before a jump
   */
  public void advance(Duration amount, BooleanSupplier ready) {
    notNegative(amount, "amount");
    scheduler.advance(amount, moves(), ready);
  }

  /**
   * Moves virtual time forward, from one due timer to the next, until {@code condition} holds on a
   * quiet system, and returns how much virtual time that took: exactly the instant the work
   * finished at (say {@code PT30S} for three retries ten seconds apart). For chains of timers that
   * each schedule the next (a rate limit, retries, timeouts).
   *
   * @throws AssertionError if the condition does not hold after {@code limit} of virtual time
   */
  public Duration advanceUntil(BooleanSupplier condition, Duration limit) {
    notNegative(limit, "limit");
    return scheduler.advanceUntil(condition, limit, moves());
  }

  private VirtualScheduler.Moves moves() {
    return new VirtualScheduler.Moves(
        patience, settle, step, ready -> await("ready for the next step", ready));
  }

  private static Void check(BooleanSupplier condition, String what) {
    if (!condition.getAsBoolean()) {
      throw new AssertionError("not " + what);
    }
    return null;
  }

  private static Duration positive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
    return value;
  }

  private static Duration notNegative(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, got " + value);
    }
    return value;
  }
}
