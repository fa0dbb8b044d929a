package io.fetchpipe.core.internal;

import io.fetchpipe.core.RateLimit;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The arithmetic of adaptive limits per key (plain state, used only inside the router actor):
 * additive increase, multiplicative decrease. Each key has an allowed concurrency and, once it has
 * been told to slow down, a start rate of its own. A congestion signal halves both, down to one in
 * flight and one start per second (or the configured rate, if lower); {@code successRun} successes
 * in a row grow them by one step (one more in flight, one more start per second) up to the
 * ceilings, where the key's own rate is dropped again.
 *
 * <p>One burst of congestion halves once, as TCP halves once per window: the outcomes of the
 * requests that were already running when the limits fell (as many as were running) neither halve
 * them again nor count as successes. The rate is halved from what the key really did, its starts in
 * the last second (counted in tenths of a second, which a tick counts: no clock is read, so virtual
 * time drives it too), so a key that was never limited falls to half its actual pace at once.
 *
 * <p>With no configured rate, a key's own rate is dropped once it has grown past what the router's
 * timers can space (one start per {@code rateTick}). At most {@code maxKeys} keys are remembered;
 * the least recently used beyond that start again from the ceilings.
 */
final class AdaptiveLimits {
  private static final double NANOS_PER_SECOND = 1e9;

  /** Ticks per second: starts are counted per tick, the last second's summed. */
  static final int TICKS_PER_SECOND = 10;

  private final int concurrencyCeiling;
  private final double rateCeiling; // starts per second; 0: none
  private final double rateFloor;
  private final double liftAt;
  private final int successRun;
  private final Map<Object, State> states;
  private long tick;

  /** One key's limits and what they are measured on. */
  private static final class State {
    int limit;
    double rate; // starts per second; 0: the ceiling's
    int run;
    int heldBack;
    long tick;
    final int[] starts = new int[TICKS_PER_SECOND];

    /** Moves the start counts on to tick {@code now}, forgetting those older than a second. */
    void roll(long now) {
      for (long t = Math.max(tick + 1, now - TICKS_PER_SECOND + 1); t <= now; t++) {
        starts[(int) (t % TICKS_PER_SECOND)] = 0;
      }
      tick = Math.max(tick, now);
    }

    int startsInTheLastSecond() {
      int sum = 0;
      for (int count : starts) {
        sum += count;
      }
      return sum;
    }
  }

  /**
   * Limits that grow back to {@code concurrencyCeiling} in flight and {@code rateCeiling} starts.
   *
   * @param rateTick the shortest spacing the router's timers keep
   */
  AdaptiveLimits(
      int concurrencyCeiling,
      RateLimit rateCeiling,
      int successRun,
      int maxKeys,
      Duration rateTick) {
    this.concurrencyCeiling = concurrencyCeiling;
    this.rateCeiling =
        rateCeiling.isUnlimited() ? 0 : NANOS_PER_SECOND / rateCeiling.spacing().toNanos();
    this.rateFloor = this.rateCeiling > 0 ? Math.min(1.0, this.rateCeiling) : 1.0;
    this.liftAt = NANOS_PER_SECOND / rateTick.toNanos();
    this.successRun = successRun;
    this.states =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<Object, State> eldest) {
            return size() > maxKeys;
          }
        };
  }

  /** A tenth of a second has passed. */
  void tick() {
    tick++;
  }

  /** A job of {@code key} started. */
  void started(Object key) {
    State state = state(key);
    state.roll(tick);
    state.starts[(int) (tick % TICKS_PER_SECOND)]++;
  }

  /**
   * A job of {@code key} ended.
   *
   * @param congested whether its outcome says the key should slow down
   * @param stillRunning jobs of the key still running
   * @return true when the key's limits fell
   */
  boolean ended(Object key, boolean congested, int stillRunning) {
    State state = state(key);
    boolean startedBeforeTheFall = state.heldBack > 0;
    if (startedBeforeTheFall) {
      state.heldBack--;
    }
    if (congested) {
      state.run = 0;
      if (!startedBeforeTheFall) {
        halve(state, stillRunning);
        return true;
      }
    } else if (!startedBeforeTheFall && ++state.run >= successRun) {
      state.run = 0;
      grow(state);
    }
    return false;
  }

  private void halve(State state, int stillRunning) {
    state.limit = Math.max(1, Math.min(state.limit, stillRunning + 1) / 2);
    state.roll(tick);
    double pace = state.rate > 0 ? state.rate : rateCeiling > 0 ? rateCeiling : Double.MAX_VALUE;
    double observed = Math.max(1, state.startsInTheLastSecond());
    state.rate = Math.max(rateFloor, Math.min(pace, observed) / 2);
    state.heldBack = stillRunning;
  }

  private void grow(State state) {
    state.limit = Math.min(concurrencyCeiling, state.limit + 1);
    if (state.rate > 0) {
      state.rate += 1;
      if (rateCeiling > 0 ? state.rate >= rateCeiling : state.rate >= liftAt) {
        state.rate = 0;
      }
    }
  }

  /** How many jobs of {@code key} may run at once now. */
  int limit(Object key) {
    State state = states.get(key);
    return state == null ? concurrencyCeiling : state.limit;
  }

  /**
   * The least time between two starts of {@code key} its own rate asks for ({@link Duration#ZERO}:
   * none).
   */
  Duration spacing(Object key) {
    State state = states.get(key);
    return state == null || state.rate == 0
        ? Duration.ZERO
        : Duration.ofNanos((long) (NANOS_PER_SECOND / state.rate));
  }

  private State state(Object key) {
    State state = states.get(key);
    if (state == null) {
      state = new State();
      state.limit = concurrencyCeiling;
      state.tick = tick;
      states.put(key, state);
    }
    return state;
  }
}
