package io.fetchpipe.stream;

import io.fetchpipe.core.Outcome;
import io.fetchpipe.http.FetchErrorKind;
import io.fetchpipe.http.FetchFailure;
import io.fetchpipe.http.FetchResponse;

/**
 * What one output line says: the input line and the outcome of its request. Its figures ({@link
 * #response()}, {@link #attempts()}, {@link #elapsedMillis()}, {@link #errorKind(boolean)}) are the
 * ones its JSON line carries, so whatever is counted from them agrees with the output.
 *
 * @param input the line read
 * @param outcome what came of its request
 */
public record ResultLine(InputLine input, Outcome<FetchResponse> outcome) {

  /**
   * The response the line reports on (a success's, or the one an error kept), or null when none
   * arrived.
   */
  public FetchResponse response() {
    if (input.invalid() != null) {
      return null;
    }
    if (outcome instanceof Outcome.Success<FetchResponse> success) {
      return success.value();
    }
    return ((Outcome.Failure<FetchResponse>) outcome).cause() instanceof FetchFailure failure
        ? failure.response()
        : null;
  }

  /** The line's {@code attempts}: requests started for it, 0 when none was. */
  public int attempts() {
    if (input.invalid() != null) {
      return 0;
    }
    if (outcome instanceof Outcome.Success<FetchResponse> success) {
      return success.value().attempts();
    }
    Outcome.Failure<FetchResponse> failure = (Outcome.Failure<FetchResponse>) outcome;
    if (failure.cause() instanceof FetchFailure fetchFailure) {
      return fetchFailure.attempts();
    }
    return failure.startedAt().equals(failure.finishedAt()) ? 0 : 1;
  }

  /**
   * The line's {@code elapsed_ms}: from the first start to the outcome, in tenths of a millisecond;
   * 0 if never started.
   */
  public double elapsedMillis() {
    long tenthsOfMillis = attempts() == 0 ? 0 : Math.round(outcome.elapsed().toNanos() / 100_000.0);
    return tenthsOfMillis / 10.0;
  }

  /**
   * The line's {@code error.kind}, or null for an ok line.
   *
   * @param ok whether the line was written as ok (a body that should be JSON and is not makes a
   *     response's line a {@code decode} error)
   */
  public String errorKind(boolean ok) {
    if (ok) {
      return null;
    }
    if (input.invalid() != null) {
      return FetchErrorKind.INVALID_REQUEST.wireName();
    }
    return outcome instanceof Outcome.Failure<FetchResponse> failure
        ? failure.kind().wireName()
        : FetchErrorKind.DECODE.wireName();
  }
}
