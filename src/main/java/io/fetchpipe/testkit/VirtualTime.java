package io.fetchpipe.testkit;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.testkit.ExplicitlyTriggeredScheduler;

/**
 * Pools in virtual time: Pekko's {@link ManualTime} drives the actor system's scheduler, so every
 * delay, timeout, deadline, rate token and retry wait of fetchpipe passes only when the test says
 * so, and a test of a 3 s gather takes no 3 s.
 *
 * <pre>{@code
 * @JUnit5TestKit
 * ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(VirtualTime.config()).build();
 * ...
 * VirtualTime time = VirtualTime.of(testKit.system());
 * time.advance(Duration.ofSeconds(3), () -> timersScheduled.get() == 3);
 * }</pre>
 *
 * <p>The rule: advance virtual time only once the work due at the current instant has happened,
 * above all once the timers the test counts on are scheduled (a probe or a counter shows it). A
 * timer scheduled after time moved on fires that much later than the test expects. Virtual time
 * therefore moves in steps ({@link #withStep(Duration)}), each taken only when the test's
 * condition holds; within one step, a timer that the firing of another one schedules (through an
 * actor's message) starts from the end of the step, so it may be up to a step late. Each step of
 * Pekko's ManualTime first lets 100 ms of real time pass, for the dispatchers to catch up.
 *
 * <p>Every wait here is bounded by {@link #withPatience(Duration) patience} and fails the test with
 * an {@link AssertionError} when it runs out.
 */
public final class VirtualTime {
  private static final Duration DEFAULT_STEP = Duration.ofMillis(250);
  private static final Duration DEFAULT_PATIENCE = Duration.ofSeconds(10);
  private static final Duration DEFAULT_SETTLE = Duration.ofMillis(100);
  private static final Duration POLL = Duration.ofMillis(5);

  private final ManualTime manualTime;
  private final ExplicitlyTriggeredScheduler scheduler;
  private final TestProbe<Void> waiter;
  private final Duration step;
  private final Duration patience;
  private final Duration settle;

  private VirtualTime(ManualTime manualTime, ExplicitlyTriggeredScheduler scheduler, TestProbe<Void> waiter,
      Duration step, Duration patience, Duration settle) {
    this.manualTime = manualTime;
    this.scheduler = scheduler;
    this.waiter = waiter;
    this.step = positive(step, "step");
    this.patience = positive(patience, "patience");
    this.settle = positive(settle, "settle");
  }

  /**
   * The test kit configuration for virtual time: Pekko's ManualTime scheduler over the
   * application's test configuration ({@code application-test.conf}), for {@code
   * JUnit5TestKitBuilder.withCustomConfig} or {@code ActorTestKit.create(config)}.
   */
  public static Config config() {
    return ManualTime.config().withFallback(ActorTestKit.applicationTestConfig());
  }

  /**
   * Virtual time of {@code system}, with steps of 250 ms, 10 s of patience and 100 ms for a
   * condition to settle after a step.
   *
   * @throws IllegalArgumentException if the system was not started with {@link #config()}
   */
  public static VirtualTime of(ActorSystem<?> system) {
    ManualTime manualTime = ManualTime.get(system);
    ExplicitlyTriggeredScheduler scheduler = (ExplicitlyTriggeredScheduler) system.classicSystem().scheduler();
    return new VirtualTime(manualTime, scheduler, TestProbe.create(system), DEFAULT_STEP, DEFAULT_PATIENCE,
        DEFAULT_SETTLE);
  }

  /** A copy that moves virtual time in steps of at most {@code step}. */
  public VirtualTime withStep(Duration step) {
    return new VirtualTime(manualTime, scheduler, waiter, step, patience, settle);
  }

  /** A copy that waits at most {@code patience} (real time) for any condition. */
  public VirtualTime withPatience(Duration patience) {
    return new VirtualTime(manualTime, scheduler, waiter, step, patience, settle);
  }

  /**
   * A copy that gives the system {@code settle} (real time) after each step of {@link
   * #advanceUntil} for the condition to come true before taking the next step.
   */
  public VirtualTime withSettle(Duration settle) {
    return new VirtualTime(manualTime, scheduler, waiter, step, patience, settle);
  }

  /** Pekko's ManualTime underneath, for what this class does not offer. */
  public ManualTime manualTime() {
    return manualTime;
  }

  /**
   * Virtual time since the actor system started. Read inside a timer's callback (a {@code
   * Delay.after} value), it is the instant the timer was due.
   */
  public Duration now() {
    return Duration.ofMillis(scheduler.currentTimeMs());
  }

  /**
   * Waits, without moving virtual time, until {@code condition} holds: for instance until a probe
   * or a counter shows that the timers the test counts on are scheduled.
   *
   * @throws AssertionError if it does not hold within the patience
   */
  public void await(String what, BooleanSupplier condition) {
    try {
      waiter.awaitAssert(patience, POLL, () -> check(condition, what));
    } catch (AssertionError e) {
      throw new AssertionError("still not " + what + " after " + patience + " (virtual time " + now() + ")", e);
    }
  }

  /**
   * Moves virtual time forward by {@code amount}, in steps; the test has already made sure the
   * timers it counts on are scheduled.
   */
  public void advance(Duration amount) {
    advance(amount, () -> true);
  }

  /**
   * Moves virtual time forward by {@code amount}, in steps, each taken only once {@code ready}
   * holds: the test's sign that nothing is left to happen at the current instant (say, every
   * started task has scheduled its timer).
   *
   * @throws AssertionError if {@code ready} does not hold within the patience before a step
   */
  public void advance(Duration amount, BooleanSupplier ready) {
    Duration left = notNegative(amount, "amount");
    while (!left.isZero()) {
      await("ready for the next step", ready);
      Duration next = left.compareTo(step) < 0 ? left : step;
      manualTime.timePasses(next);
      left = left.minus(next);
    }
  }

  /**
   * Moves virtual time forward in steps until {@code condition} holds, giving the system the
   * settle time after each step, and returns how much virtual time that took (a multiple of the
   * step, unless {@code limit} is not). A system slower than the settle time may be seen a step
   * late, so an exact instant is best read inside the work itself ({@link #now()}).
   *
   * @throws AssertionError if the condition does not hold after {@code limit} of virtual time
   */
  public Duration advanceUntil(BooleanSupplier condition, Duration limit) {
    notNegative(limit, "limit");
    Duration advanced = Duration.ZERO;
    while (!settles(condition)) {
      if (advanced.compareTo(limit) >= 0) {
        throw new AssertionError("condition still false after " + advanced + " of virtual time");
      }
      Duration left = limit.minus(advanced);
      Duration next = left.compareTo(step) < 0 ? left : step;
      manualTime.timePasses(next);
      advanced = advanced.plus(next);
    }
    return advanced;
  }

  private boolean settles(BooleanSupplier condition) {
    if (condition.getAsBoolean()) {
      return true;
    }
    try {
      waiter.awaitAssert(settle, POLL, () -> check(condition, "settled"));
      return true;
    } catch (AssertionError notYet) {
      return false;
    }
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
