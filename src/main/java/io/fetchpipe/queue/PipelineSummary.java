package io.fetchpipe.queue;

import java.util.Map;

/**
 * How a pipeline went.
 *
 * @param produced items taken from the input
 * @param consumedPerConsumer items each consumer finished (successfully or not), by consumer name
 * @param failed items whose consumer failed on them (they are failure outcomes, not lost)
 * @param maxBacklog the most items that waited in the queue at once (never above its capacity)
 * @param inputError why the input ended early, or null when it was read to the end
 */
public record PipelineSummary(
    long produced,
    Map<String, Long> consumedPerConsumer,
    long failed,
    int maxBacklog,
    String inputError) {

  /** Items consumed by all consumers together. */
  public long consumed() {
    return consumedPerConsumer.values().stream().mapToLong(Long::longValue).sum();
  }
}
