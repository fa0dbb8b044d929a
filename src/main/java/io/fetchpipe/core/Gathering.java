package io.fetchpipe.core;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A running gather whose outcomes are collected in input order.
 *
 * @param <T> the value type of the items
 */
public interface Gathering<T> extends GatherControl {

  /**
   * One outcome per input, in input order; never fails. Cancelling the returned future (with {@code
   * toCompletableFuture().cancel(...)}) cancels the gather, like cancelling the future of {@code
   * asyncio.gather}.
   */
  CompletionStage<List<Outcome<T>>> outcomes();
}
