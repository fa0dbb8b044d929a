package io.fetchpipe.core;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/** A running gather: it can be cancelled, and it tells when every item has its outcome. */
public interface GatherControl {

  /**
   * Cancels every unfinished item: waiting ones never start, running ones are cancelled; each gets
   * a {@link ErrorKind#CANCELLED} outcome. Items already finished keep theirs. Idempotent.
   */
  void cancel();

  /** Completes when every item has its outcome (after cancellation too). */
  CompletionStage<Done> whenDone();
}
