package io.fetchpipe.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The result of one item: either a {@link Success} with its value or a {@link Failure} with an
 * {@link ErrorKind}, a message and the cause. This is {@code asyncio.gather(...,
 * return_exceptions=True)} as a type: a failed item is a value in the result list, not an exception
 * that hides the other results.
 *
 * <p>Every outcome carries the item's 0-based input {@code index} and when its work started and
 * finished. An item that never started (cancelled while waiting, invalid input) has {@code
 * startedAt == finishedAt}, so its {@link #elapsed()} is zero.
 *
 * <p>Outcomes are plain immutable data so they can cross process boundaries.
 *
 * @param <T> the type of a successful value
 */
public sealed interface Outcome<T> permits Outcome.Success, Outcome.Failure {

  /** The item's 0-based position in the input. */
  int index();

  /** When the item's work started (equal to {@link #finishedAt()} if it never started). */
  Instant startedAt();

  /** When the outcome was decided. */
  Instant finishedAt();

  /** Time from start to outcome; zero for an item that never started. */
  default Duration elapsed() {
    return Duration.between(startedAt(), finishedAt());
  }

  /** True for a {@link Success}. */
  default boolean isSuccess() {
    return this instanceof Success;
  }

  /**
   * The value of a success.
   *
   * @throws TaskFailure for a failure, with the failure's kind, message and cause
   */
  T getOrThrow();

  /** A successful outcome. */
  static <T> Success<T> success(int index, T value, Instant startedAt, Instant finishedAt) {
    return new Success<>(index, value, startedAt, finishedAt);
  }

  /** A failed outcome of the given kind. */
  static <T> Failure<T> failure(
      int index,
      ErrorKind kind,
      String message,
      Throwable cause,
      Instant startedAt,
      Instant finishedAt) {
    return new Failure<>(index, kind, message, cause, startedAt, finishedAt);
  }

  /**
   * A failed outcome whose kind and message are taken from the error (see {@link
   * ErrorKind#classify}).
   */
  static <T> Failure<T> failure(int index, Throwable error, Instant startedAt, Instant finishedAt) {
    Throwable cause = ErrorKind.unwrap(error);
    return new Failure<>(
        index, ErrorKind.classify(cause), describe(cause), cause, startedAt, finishedAt);
  }

  /** A one-line description of an error: its message, or its class name when it has none. */
  static String describe(Throwable error) {
    String message = error.getMessage();
    return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
  }

  /**
   * A successful item.
   *
   * @param index the item's 0-based input position
   * @param value what the task produced (may be null if the task produced null)
   * @param startedAt when the work started
   * @param finishedAt when it finished
   * @param <T> the value's type
   */
  record Success<T>(int index, T value, Instant startedAt, Instant finishedAt)
      implements Outcome<T> {
    /** Checks the times are present. */
    public Success {
      Objects.requireNonNull(startedAt, "startedAt");
      Objects.requireNonNull(finishedAt, "finishedAt");
    }

    @Override
    public T getOrThrow() {
      return value;
    }
  }

  /**
   * A failed item: the exception, timeout, cancellation or crash turned into a value.
   *
   * @param index the item's 0-based input position
   * @param kind what kind of failure
   * @param message a one-line description
   * @param cause the exception behind it, or null when there is none (e.g. a timeout)
   * @param startedAt when the work started (equal to finishedAt if it never started)
   * @param finishedAt when the failure was decided
   * @param <T> the value type the item would have had
   */
  record Failure<T>(
      int index,
      ErrorKind kind,
      String message,
      Throwable cause,
      Instant startedAt,
      Instant finishedAt)
      implements Outcome<T> {
    /** Checks the required fields are present. */
    public Failure {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(startedAt, "startedAt");
      Objects.requireNonNull(finishedAt, "finishedAt");
    }

    @Override
    public T getOrThrow() {
      throw new TaskFailure(kind, message, cause);
    }

    /** The same failure viewed as an outcome of another value type (a failure holds no value). */
    @SuppressWarnings("unchecked")
    public <U> Failure<U> cast() {
      return (Failure<U>) this;
    }
  }
}
