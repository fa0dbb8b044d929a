package io.fetchpipe.core.internal;

import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The router's limits per key that follow what each key's server says (plain state, used only
 * inside the router actor, whose timers it sets): adaptive concurrency and rates ({@link
 * AdaptiveLimits}), pauses a server asked for, pacing by its rate-limit windows, and the rules a
 * key's probe brought back (for fetches: robots.txt). What it knows comes from outcomes, through
 * the pool's {@link HostPolicy}; since the router decides every start of the pool, whichever node
 * runs it, these limits hold for a whole cluster.
 *
 * <p>A key whose server must be asked first gets a probe job before its first job: the probe goes
 * through the same limits (a concurrency slot, a rate token, the key's spacing), its outcome is the
 * key's rules and goes to no gather, and the key's other jobs wait until it is in. Jobs its rules
 * refuse end without a start. At most {@link HostPolicy#maxRuleKeys()} keys' rules are kept: a key
 * forgotten is asked again when its next job comes, never while its probe is running.
 *
 * <p>Pauses (a {@code Retry-After}, a window with nothing left) and pacing end with a timer; then
 * the key's next job goes alone, as a first one: its answer tells the new pace before anything else
 * starts.
 */
final class Politeness implements JobQueue.Admission {
  /** The batch id of probe jobs, which belong to no gather. */
  static final long PROBE_BATCH_ID = -2;

  private static final Duration TICK =
      Duration.ofSeconds(1).dividedBy(AdaptiveLimits.TICKS_PER_SECOND);
  private static final Object TICK_KEY = "adaptive-tick";

  /** A timer of this class's, handed back to it by the router. */
  interface Due extends ThrottlingRouter.Command {}

  /** A tenth of a second has passed (for the adaptive limits' measure of rates). */
  enum Tick implements Due {
    INSTANCE
  }

  /** A key's pause (number {@code generation}) is over. */
  record PauseOver(Object key, long generation) implements Due {}

  /** A key's rate-limit window (number {@code generation}) has reset. */
  record WindowOver(Object key, long generation) implements Due {}

  private record PauseTimer(Object key) {}

  private record WindowTimer(Object key) {}

  /** What to do with the job that may start next. */
  enum Verdict {
    /** Start it. */
    START,
    /** Its key's server has not been asked yet: start the key's probe in its place. */
    PROBE,
    /** Its key's rules refuse it: it ends without a start. */
    REFUSE
  }

  private record Paced(Duration spacing, long generation) {}

  private final HostPolicy policy;
  private final PoolSettings settings;
  private final Batch probes;
  private final TimerScheduler<ThrottlingRouter.Command> timers;
  private final AdaptiveLimits limits; // null unless adaptive
  private final Map<Object, Long> paused = new HashMap<>();
  private final Map<Object, Paced> paced = new HashMap<>();
  private final Map<Object, HostRules> rules;
  private final Set<Object> probing = new HashSet<>();
  private final Map<Integer, Object> probeKeys = new HashMap<>();
  private int probeNumbers;
  private long generations;

  /**
   * The limits of a pool with {@code settings}, learning through {@code policy}.
   *
   * @param probes the batch probe jobs belong to (id {@link #PROBE_BATCH_ID})
   */
  Politeness(
      PoolSettings settings,
      HostPolicy policy,
      Batch probes,
      TimerScheduler<ThrottlingRouter.Command> timers) {
    this.policy = policy;
    this.settings = settings;
    this.probes = probes;
    this.timers = timers;
    int ceiling =
        settings.maxPerKey() > 0
            ? Math.min(settings.maxPerKey(), settings.maxConcurrency())
            : settings.maxConcurrency();
    this.limits =
        settings.adaptive().enabled()
            ? new AdaptiveLimits(
                ceiling,
                settings.maxRatePerKey(),
                settings.adaptive().successRun(),
                settings.adaptive().maxKeys(),
                settings.rateTick())
            : null;
    int maxRuleKeys = policy.maxRuleKeys();
    this.rules =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<Object, HostRules> eldest) {
            return size() > maxRuleKeys;
          }
        };
    if (limits != null) {
      timers.startTimerAtFixedRate(TICK_KEY, Tick.INSTANCE, TICK);
    }
  }

  /**
   * Whether, with a rate, the pool's first start goes alone ({@link HostPolicy#firstStartAlone()}).
   */
  boolean firstStartAlone() {
    return policy.firstStartAlone();
  }

  /** Whether jobs need their keys for this (adaptive limits, or probes). */
  boolean keyed() {
    return limits != null || policy.probes();
  }

  @Override
  public boolean admits(JobQueue.Queued queued, int running) {
    Object key = queued.key();
    if (paused.containsKey(key)) {
      return false;
    }
    if (isProbe(queued.job())) {
      return true;
    }
    return !probing.contains(key) && (limits == null || running < limits.limit(key));
  }

  /** What to do with {@code next}, just taken from the queue. */
  Verdict verdict(JobQueue.Queued next) {
    if (next.key() == null || !policy.probes() || isProbe(next.job())) {
      return Verdict.START;
    }
    HostRules known = rules.get(next.key());
    if (known == null) {
      return Verdict.PROBE;
    }
    return known.allows(next.job().request()) ? Verdict.START : Verdict.REFUSE;
  }

  /** The probe of {@code key}, to start now; the key's jobs wait until its outcome is in. */
  Job<?> probe(Object key) {
    probing.add(key);
    int number = ++probeNumbers;
    probeKeys.put(number, key);
    return new Job<>(probes, number, policy.probe(key));
  }

  /** The outcome of {@code refused}, which its key's rules do not allow: no request was started. */
  Outcome<?> refusal(JobQueue.Queued refused) {
    Job<?> job = refused.job();
    Instant now = Instant.now();
    Throwable why = rules.get(refused.key()).refusal(job.request());
    return Outcome.failure(
        job.index(), why, job.firstStartedAt() != null ? job.firstStartedAt() : now, now);
  }

  /** Whether {@code job} is a probe. */
  static boolean isProbe(Job<?> job) {
    return job.batch().id() == PROBE_BATCH_ID;
  }

  /** A probe's final outcome (after its retries): its key's rules from now on. */
  void probed(Outcome<?> outcome) {
    Object key = probeKeys.remove(outcome.index());
    if (key != null) {
      probing.remove(key);
      rules.put(key, policy.rules(outcome));
    }
  }

  /** {@code started} has just started. */
  void started(JobQueue.Queued started) {
    if (limits != null && started.key() != null) {
      limits.started(started.key());
    }
  }

  /** Whether a key's first job goes alone until its outcome, whatever its spacing. */
  boolean opensAlone() {
    return limits != null;
  }

  /**
   * The least time between two starts of {@code key}: the most of the configured rate per key, its
   * adapted rate, its crawl delay and its server's pacing.
   */
  Duration spacing(Object key) {
    Duration spacing = settings.maxRatePerKey().spacing();
    if (limits != null) {
      spacing = longer(spacing, limits.spacing(key));
      Paced pace = paced.get(key);
      if (pace != null) {
        spacing = longer(spacing, pace.spacing());
      }
    }
    HostRules known = rules.get(key);
    return known == null ? spacing : longer(spacing, known.crawlDelay());
  }

  private static Duration longer(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /**
   * What {@code outcome} of {@code entry} says about its key, with {@code stillRunning} other jobs
   * of the key running: the key's limits and pauses follow. True when the server asked to slow
   * down, so the job may have its extra attempts.
   */
  boolean heard(JobQueue.Queued entry, Outcome<?> outcome, int stillRunning) {
    Object key = entry.key();
    if (limits == null || key == null) {
      return false;
    }
    HostFeedback feedback = policy.feedback(outcome);
    if (feedback.signal() == HostFeedback.Signal.NONE) {
      return false;
    }
    limits.ended(key, feedback.signal().congested(), stillRunning);
    boolean throttled = feedback.signal() == HostFeedback.Signal.THROTTLED;
    if (throttled && feedback.pause() != null && !feedback.pause().isZero()) {
      pause(key, feedback.pause());
    }
    if (feedback.pacing() != null) {
      pace(key, feedback.pacing(), stillRunning);
    }
    return throttled;
  }

  /** Extra attempts a job has when its server asked to slow down. */
  int throttledRetries() {
    return settings.adaptive().throttledRetries();
  }

  /** No job of {@code key} starts for {@code wait} (at most the retry settings' cap). */
  private void pause(Object key, Duration wait) {
    Duration cap = settings.retry().maxRetryAfter();
    long generation = ++generations;
    paused.put(key, generation);
    timers.startSingleTimer(
        new PauseTimer(key), new PauseOver(key, generation), wait.compareTo(cap) > 0 ? cap : wait);
  }

  /**
   * The key's server takes {@code pacing.remaining()} more requests before its window resets; the
   * jobs still running will take some of them. The rest are spread over the time left; with none
   * left, nothing starts before the reset.
   */
  private void pace(Object key, HostFeedback.Pacing pacing, int stillRunning) {
    int left = pacing.remaining() - stillRunning;
    if (left <= 0) {
      paced.remove(key);
      timers.cancel(new WindowTimer(key));
      if (!pacing.reset().isZero()) {
        pause(key, pacing.reset());
      }
      return;
    }
    long generation = ++generations;
    paced.put(key, new Paced(pacing.reset().dividedBy(left), generation));
    timers.startSingleTimer(new WindowTimer(key), new WindowOver(key, generation), pacing.reset());
  }

  /**
   * One of this class's timers is due. Returns the key whose next job must go alone (its pause or
   * its window is over), or null.
   */
  Object due(Due due) {
    if (due == Tick.INSTANCE) {
      limits.tick();
      return null;
    }
    if (due instanceof PauseOver over && paused.remove(over.key(), over.generation())) {
      return over.key();
    }
    if (due instanceof WindowOver over) {
      Paced pace = paced.get(over.key());
      if (pace != null && pace.generation() == over.generation()) {
        paced.remove(over.key());
        return over.key();
      }
    }
    return null;
  }
}
