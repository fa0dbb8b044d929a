package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.Outcome;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Collects outcomes by index and completes with the whole list (asyncio.gather's order). */
@InternalApi
public final class InputOrderSink<T> implements OutcomeSink {
  private final Outcome<?>[] slots;
  private final CompletableFuture<List<Outcome<T>>> result;

  /** A sink for {@code size} items completing {@code result}. */
  public InputOrderSink(int size, CompletableFuture<List<Outcome<T>>> result) {
    this.slots = new Outcome<?>[size];
    this.result = result;
  }

  @Override
  public boolean accept(Outcome<?> outcome) {
    slots[outcome.index()] = outcome;
    return true;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void complete() {
    List<?> list = Collections.unmodifiableList(Arrays.asList(slots));
    result.complete((List<Outcome<T>>) list);
  }
}
