package io.fetchpipe.core.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The router's waiting room (plain state, used only inside the router actor): jobs queued in
 * arrival order within a fixed capacity, submits parked until they fit, jobs waiting for a retry
 * (they count against the capacity, since they will come back), and the running count per key.
 *
 * <p>With a per-key limit, the next job to start is the oldest whose key is below the limit (and,
 * with a per-key rate, not resting after its last start), so a key that must wait does not hold up
 * the jobs of other keys behind it. With a per-key rate, a key's first job also runs alone until it
 * has an outcome: in a fresh process or on a fresh node the first request to a host waits for its
 * connection and cold code, and the starts spaced behind it would otherwise reach the host together
 * the moment it is through.
 */
final class JobQueue {
  /** A queued or running job with its limit key (null when no per-key limit applies). */
  record Queued(Job<?> job, Object key) {}

  /** What decides, beside the queue's own limits, whether a job may start now. */
  interface Admission {
    /** No limits beside the queue's own. */
    Admission ANY = (queued, running) -> true;

    /** Whether {@code queued} may start while {@code running} jobs of its key run. */
    boolean admits(Queued queued, int running);
  }

  /** Opened keys remembered; a crawl over more hosts re-opens the least recent ones, harmlessly. */
  private static final int MAX_OPENED_KEYS = 100_000;

  private final int capacity;
  private final int maxPerKey;
  private final boolean keyed;
  private final Function<Object, Object> keyOf;
  private final Admission admission;
  private final ArrayDeque<Queued> queue = new ArrayDeque<>();
  private final ArrayDeque<ThrottlingRouter.Submit> parked = new ArrayDeque<>();
  private final Map<Job<?>, Queued> awaitingRetry = new HashMap<>();
  private final Map<Object, Integer> runningPerKey = new HashMap<>();
  private final Set<Object> resting = new HashSet<>();

  /** Keys whose first job is running: they start nothing else until it ends. */
  private final Set<Object> opening = new HashSet<>();

  /** Keys that have had a job end, most recently started last; forgotten ones open again. */
  private final Map<Object, Boolean> opened =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Object, Boolean> eldest) {
          return size() > MAX_OPENED_KEYS;
        }
      };

  /**
   * A waiting room of {@code capacity} jobs.
   *
   * @param keyed whether jobs are keyed at all (some per-key limit applies)
   * @param admission the per-key limits beside {@code maxPerKey}, resting and opening
   */
  JobQueue(
      int capacity,
      int maxPerKey,
      boolean keyed,
      Function<Object, Object> keyOf,
      Admission admission) {
    this.capacity = capacity;
    this.maxPerKey = maxPerKey;
    this.keyed = keyed;
    this.keyOf = keyOf;
    this.admission = admission;
  }

  void park(ThrottlingRouter.Submit submit) {
    parked.addLast(submit);
  }

  /**
   * Moves parked submits into the queue, oldest first, while they fit; returns the admitted ones.
   */
  List<ThrottlingRouter.Submit> admitParked() {
    List<ThrottlingRouter.Submit> admitted = List.of();
    while (!parked.isEmpty()) {
      ThrottlingRouter.Submit next = parked.peekFirst();
      int occupied = queue.size() + awaitingRetry.size();
      // A submit larger than the whole capacity is admitted once the room is empty.
      if (next.jobs().size() > capacity - occupied && occupied > 0) {
        break;
      }
      parked.removeFirst();
      for (Job<?> job : next.jobs()) {
        queue.addLast(new Queued(job, keyFor(job)));
      }
      if (admitted.isEmpty()) {
        admitted = new ArrayList<>(1);
      }
      admitted.add(next);
    }
    return admitted;
  }

  @SuppressWarnings("unchecked")
  private Object keyFor(Job<?> job) {
    return keyed ? keyOf.apply(job.request()) : null;
  }

  /** Jobs waiting: queued, and waiting for a retry (submits not yet admitted are not counted). */
  int waitingCount() {
    return queue.size() + awaitingRetry.size();
  }

  boolean hasStartable() {
    return !queue.isEmpty();
  }

  /**
   * Removes and returns the oldest job that may start now (its key below the limit), or null. The
   * caller must start it and later call {@link #finished(Queued)}.
   */
  Queued takeNext() {
    if (!keyed) {
      return queue.pollFirst();
    }
    for (Iterator<Queued> it = queue.iterator(); it.hasNext(); ) {
      Queued next = it.next();
      if (mayStart(next)) {
        it.remove();
        if (next.key() != null) {
          runningPerKey.merge(next.key(), 1, Integer::sum);
        }
        return next;
      }
    }
    return null;
  }

  private boolean mayStart(Queued next) {
    Object key = next.key();
    if (key == null) {
      return true;
    }
    int running = runningPerKey.getOrDefault(key, 0);
    return !resting.contains(key)
        && !opening.contains(key)
        && (maxPerKey == 0 || running < maxPerKey)
        && admission.admits(next, running);
  }

  /** Jobs of {@code key} running now. */
  int running(Object key) {
    return key == null ? 0 : runningPerKey.getOrDefault(key, 0);
  }

  /**
   * Puts {@code taken} (just taken with {@link #takeNext()}) back at the head, unstarted, and
   * returns {@code instead} to start in its place under the same key, counted as running.
   */
  Queued swap(Queued taken, Job<?> instead) {
    queue.addFirst(taken);
    return new Queued(instead, taken.key());
  }

  /** {@code key}'s next start goes alone again, as a first one: it waits for that job's outcome. */
  void reopen(Object key) {
    opened.remove(key);
  }

  /** If {@code key} has never started a job, its first runs alone until it has an outcome. */
  void openAlone(Object key) {
    if (opened.get(key) == null) {
      opening.add(key);
    }
  }

  /** A job taken with {@link #takeNext()} has stopped running. */
  void finished(Queued running) {
    if (running.key() != null) {
      if (opening.remove(running.key())) {
        opened.put(running.key(), Boolean.TRUE);
      }
      runningPerKey.computeIfPresent(running.key(), (key, count) -> count == 1 ? null : count - 1);
    }
  }

  /**
   * A job taken with {@link #takeNext()} could not start after all: back at the head, as if never
   * taken.
   */
  void putBack(Queued taken) {
    finished(taken);
    queue.addFirst(taken);
  }

  /** A job whose worker was lost runs again first, as a new attempt. */
  void rerun(Job<?> nextAttempt, Object key) {
    queue.addFirst(new Queued(nextAttempt, key));
  }

  /**
   * {@code key} just started a job and waits one spacing before its next; if it is the key's first,
   * also until that job ends.
   */
  void rest(Object key) {
    resting.add(key);
    openAlone(key);
  }

  /** {@code key}'s spacing has passed. */
  void rested(Object key) {
    resting.remove(key);
  }

  /** Holds the next attempt of a job until {@link #retryDue(Job)}. */
  void awaitRetry(Job<?> nextAttempt, Object key) {
    awaitingRetry.put(nextAttempt, new Queued(nextAttempt, key));
  }

  /**
   * Puts a job whose retry is due at the head of the queue; false if it was cancelled meanwhile.
   */
  boolean retryDue(Job<?> nextAttempt) {
    Queued waiting = awaitingRetry.remove(nextAttempt);
    if (waiting == null) {
      return false;
    }
    queue.addFirst(waiting);
    return true;
  }

  /**
   * Removes every waiting job of the batch ({@code batchId < 0}: of every batch) from the queue,
   * the parked submits and the retry waits, and returns them.
   */
  List<Job<?>> removeBatch(long batchId) {
    List<Job<?>> removed = new ArrayList<>();
    for (Iterator<Queued> it = queue.iterator(); it.hasNext(); ) {
      Job<?> job = it.next().job();
      if (batchId < 0 || job.batch().id() == batchId) {
        it.remove();
        removed.add(job);
      }
    }
    for (Iterator<ThrottlingRouter.Submit> it = parked.iterator(); it.hasNext(); ) {
      ThrottlingRouter.Submit submit = it.next();
      if (batchId < 0 || submit.batch().id() == batchId) {
        it.remove();
        removed.addAll(submit.jobs());
      }
    }
    for (Iterator<Job<?>> it = awaitingRetry.keySet().iterator(); it.hasNext(); ) {
      Job<?> job = it.next();
      if (batchId < 0 || job.batch().id() == batchId) {
        it.remove();
        removed.add(job);
      }
    }
    return removed;
  }
}
