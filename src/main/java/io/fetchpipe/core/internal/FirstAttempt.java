package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.TaskContext;
import java.util.Optional;

/** {@link TaskContext#firstAttempt(int)}: a first attempt that nothing cancels. */
@InternalApi
public record FirstAttempt(int index) implements TaskContext {
  @Override
  public int attempt() {
    return 1;
  }

  @Override
  public boolean isCancelled() {
    return false;
  }

  @Override
  public Optional<ErrorKind> cancellation() {
    return Optional.empty();
  }

  @Override
  public void onCancel(Runnable hook) {
    // Nothing cancels it, so the hook never runs.
  }
}
