package io.fetchpipe.core.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Helpers for task stages of unknown make. */
final class Stages {
  private Stages() {}

  /**
   * The stage as a future, or null for a stage that cannot be viewed as one (a minimal stage): such
   * a stage can be neither checked for completion nor cancelled.
   */
  static <T> CompletableFuture<T> asFutureOrNull(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture();
    } catch (UnsupportedOperationException e) {
      return null;
    }
  }
}
