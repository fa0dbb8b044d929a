package io.fetchpipe.testkit.internal;

import com.typesafe.config.Config;
import io.fetchpipe.InternalApi;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.dispatch.DispatcherPrerequisites;
import org.apache.pekko.dispatch.ExecutorServiceConfigurator;
import org.apache.pekko.dispatch.ExecutorServiceFactory;
import org.apache.pekko.dispatch.ForkJoinExecutorConfigurator;
import org.apache.pekko.dispatch.ThreadPoolExecutorConfigurator;

/**
 * A dispatcher's executor that counts its tasks for virtual time: every task handed to it is
 * counted until it has run, so the {@link VirtualScheduler} of the same actor system knows when
 * nothing is left to do ({@link Quiet}). The executor itself is the one the dispatcher's config
 * names under {@code virtual-time.watched-executor} ({@code fork-join-executor} or {@code
 * thread-pool-executor}), built from its usual settings. Under any other scheduler it counts
 * nothing.
 */
@InternalApi
public final class WatchedExecutor extends ExecutorServiceConfigurator {
  /** Where a dispatcher's config names the executor this one wraps. */
  public static final String WRAPPED = "virtual-time.watched-executor";

  private final ExecutorServiceConfigurator wrapped;
  private final Quiet quiet;

  /** The constructor Pekko calls for a dispatcher whose {@code executor} names this class. */
  public WatchedExecutor(Config config, DispatcherPrerequisites prerequisites) {
    super(config, prerequisites);
    String kind = config.getString(WRAPPED);
    this.wrapped =
        switch (kind) {
          case "fork-join-executor" ->
              new ForkJoinExecutorConfigurator(config.getConfig(kind), prerequisites);
          case "thread-pool-executor" ->
              new ThreadPoolExecutorConfigurator(config.getConfig(kind), prerequisites);
          default ->
              throw new IllegalArgumentException(
                  "virtual time watches fork-join-executor or "
                      + "thread-pool-executor dispatchers, not "
                      + kind
                      + " ("
                      + config.getString("id")
                      + ")");
        };
    this.quiet =
        prerequisites.scheduler() instanceof VirtualScheduler scheduler ? scheduler.quiet() : null;
  }

  @Override
  public ExecutorServiceFactory createExecutorServiceFactory(
      String id, ThreadFactory threadFactory) {
    ExecutorServiceFactory factory = wrapped.createExecutorServiceFactory(id, threadFactory);
    if (quiet == null) {
      return factory;
    }
    Quiet.Counter counter = quiet.counter(id);
    return () -> new Counting(factory.createExecutorService(), counter);
  }

  /** Counts each task from its hand-over until it has run. */
  private static final class Counting extends AbstractExecutorService {
    private final ExecutorService executor;
    private final Quiet.Counter counter;

    Counting(ExecutorService executor, Quiet.Counter counter) {
      this.executor = executor;
      this.counter = counter;
    }

    @Override
    public void execute(Runnable task) {
      counter.taskHandedOver();
      try {
        executor.execute(
            () -> {
              try {
                task.run();
              } finally {
                counter.taskFinished();
              }
            });
      } catch (RejectedExecutionException e) {
        counter.taskFinished();
        throw e;
      }
    }

    @Override
    public void shutdown() {
      executor.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
      return executor.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
      return executor.isShutdown();
    }

    @Override
    public boolean isTerminated() {
      return executor.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
      return executor.awaitTermination(timeout, unit);
    }
  }
}
