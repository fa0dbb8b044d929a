package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.JobPool;
import java.util.function.Function;

/**
 * The door through which other fetchpipe packages build a public {@link JobPool} around an engine
 * they started (a cluster pool, say), without a public constructor that would show the engine in
 * the pool's API. {@code JobPool} opens it when its class is initialized.
 */
@InternalApi
public final class Pools {
  private static volatile Function<PoolEngine, JobPool<?, ?>> views;

  private Pools() {}

  /** Called once by {@link JobPool}. */
  public static void open(Function<PoolEngine, JobPool<?, ?>> viewFactory) {
    views = viewFactory;
  }

  /** A pool running on {@code engine}. */
  @SuppressWarnings("unchecked")
  public static <Q, R> JobPool<Q, R> view(PoolEngine engine) {
    if (views == null) {
      try {
        Class.forName(JobPool.class.getName(), true, JobPool.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("JobPool cannot be loaded", e);
      }
    }
    return (JobPool<Q, R>) views.apply(engine);
  }
}
