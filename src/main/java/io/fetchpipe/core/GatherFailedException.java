package io.fetchpipe.core;

/**
 * How {@link JobPool#gatherOrFail} fails: with the first failed item. Its {@link #failure()} tells
 * which item and why; its cause is the item's exception, if there was one.
 */
public class GatherFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Outcome.Failure<?> failure;

  /** The exception for the given first failure. */
  public GatherFailedException(Outcome.Failure<?> failure) {
    super(
        "item "
            + failure.index()
            + " failed ("
            + failure.kind().wireName()
            + "): "
            + failure.message(),
        failure.cause());
    this.failure = failure;
  }

  /** The failed item's outcome. */
  public Outcome.Failure<?> failure() {
    return failure;
  }
}
