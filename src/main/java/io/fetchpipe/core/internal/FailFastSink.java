package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.GatherFailedException;
import io.fetchpipe.core.Outcome;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Collects values by index until the first failure, which fails the result at once and asks for the
 * rest of the gather to be cancelled (asyncio.TaskGroup's behaviour).
 */
@InternalApi
public final class FailFastSink<T> implements OutcomeSink {
  private final Object[] values;
  private final CompletableFuture<List<T>> result;
  private Outcome.Failure<?> firstFailure;

  /** A sink for {@code size} items completing {@code result}. */
  public FailFastSink(int size, CompletableFuture<List<T>> result) {
    this.values = new Object[size];
    this.result = result;
  }

  @Override
  public boolean accept(Outcome<?> outcome) {
    if (firstFailure != null) {
      return false;
    }
    if (outcome instanceof Outcome.Failure<?> failure) {
      firstFailure = failure;
      result.completeExceptionally(new GatherFailedException(failure));
      return false;
    }
    values[outcome.index()] = outcome.getOrThrow();
    return true;
  }

  @Override
  public String stopReason() {
    return "cancelled after item " + firstFailure.index() + " failed";
  }

  @Override
  @SuppressWarnings("unchecked")
  public void complete() {
    if (firstFailure == null) {
      result.complete((List<T>) Collections.unmodifiableList(Arrays.asList(values)));
    }
  }
}
