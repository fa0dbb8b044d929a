package io.fetchpipe.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;

/**
 * Tasks whose results the test decides. Each start and cancellation is reported to a probe, and the
 * number of tasks in flight (started, not yet finished) is tracked with its maximum.
 */
final class TaskRecorder {
  /** Event: task {@code index} started. */
  record Started(int index) {}

  /** Event: task {@code index} was cancelled. */
  record Cancelled(int index) {}

  private final TestProbe<Object> events;
  private final Map<Integer, CompletableFuture<String>> running = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final AtomicInteger starts = new AtomicInteger();

  TaskRecorder(TestProbe<Object> events) {
    this.events = events;
  }

  /** {@code count} tasks that wait for {@link #complete} or {@link #fail}. */
  List<Task<String>> tasks(int count) {
    List<Task<String>> tasks = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      tasks.add(this::start);
    }
    return tasks;
  }

  CompletableFuture<String> start(TaskContext context) {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    starts.incrementAndGet();
    CompletableFuture<String> future = new CompletableFuture<>();
    running.put(context.index(), future);
    context.onCancel(() -> cancelled(context.index()));
    events.ref().tell(new Started(context.index()));
    return future;
  }

  private void cancelled(int index) {
    inFlight.decrementAndGet();
    events.ref().tell(new Cancelled(index));
  }

  // The count drops before the future completes: completing it lets the pool start the next task
  // at once, on another thread, and that start must not be counted as overlapping this one.
  void complete(int index) {
    CompletableFuture<String> future = future(index);
    inFlight.decrementAndGet();
    future.complete("value-" + index);
  }

  void fail(int index, RuntimeException error) {
    CompletableFuture<String> future = future(index);
    inFlight.decrementAndGet();
    future.completeExceptionally(error);
  }

  private CompletableFuture<String> future(int index) {
    CompletableFuture<String> future = running.get(index);
    if (future == null) {
      throw new AssertionError("task " + index + " has not started");
    }
    return future;
  }

  /** Waits for the next start event and returns its index. */
  int expectStart(Duration within) {
    return events.expectMessageClass(Started.class, within).index();
  }

  int maxInFlight() {
    return maxInFlight.get();
  }

  int starts() {
    return starts.get();
  }
}
