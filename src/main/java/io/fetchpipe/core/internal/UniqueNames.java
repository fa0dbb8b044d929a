package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Names for the actors of pools and pipeline runs, unique in the JVM: a prefix and its own count
 * ({@code pool-1}, {@code pool-2}, {@code tasks-1}, ...), so the first pool of a kind reads the
 * same in every run's metrics.
 */
@InternalApi
public final class UniqueNames {
  private static final Map<String, AtomicLong> COUNTS = new ConcurrentHashMap<>();

  private UniqueNames() {}

  /** {@code prefix}, a dash and the next number for that prefix. */
  public static String next(String prefix) {
    return prefix
        + "-"
        + COUNTS.computeIfAbsent(prefix, unused -> new AtomicLong()).incrementAndGet();
  }
}
