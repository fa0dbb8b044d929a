package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.pekko.event.LoggingAdapter;

/**
 * A logging adapter for Pekko HTTP's pools and servers that logs what fetchpipe causes on purpose
 * at debug: a fetcher's own close dropping the requests still on the wire (their outcomes are
 * already out), the test server cutting a connection as its fault route promises. Everything else
 * goes to the underlying adapter unchanged.
 */
@InternalApi
public final class QuietLog implements LoggingAdapter {
  private final LoggingAdapter log;
  private final BooleanSupplier quietNow;
  private final Predicate<Throwable> intended;

  private QuietLog(LoggingAdapter log, BooleanSupplier quietNow, Predicate<Throwable> intended) {
    this.log = log;
    this.quietNow = quietNow;
    this.intended = intended;
  }

  /** Warnings and errors at debug while {@code closing} holds: they are the close's own doing. */
  public static QuietLog whileClosing(LoggingAdapter log, BooleanSupplier closing) {
    return new QuietLog(log, closing, error -> false);
  }

  /** Errors caused by an {@code intended} failure at debug, without their stack trace. */
  public static QuietLog intendedFailures(LoggingAdapter log, Predicate<Throwable> intended) {
    return new QuietLog(log, () -> false, intended);
  }

  @Override
  public boolean isErrorEnabled() {
    return log.isErrorEnabled() || log.isDebugEnabled();
  }

  @Override
  public boolean isWarningEnabled() {
    return log.isWarningEnabled() || log.isDebugEnabled();
  }

  @Override
  public boolean isInfoEnabled() {
    return log.isInfoEnabled();
  }

  @Override
  public boolean isDebugEnabled() {
    return log.isDebugEnabled();
  }

  @Override
  public void notifyError(String message) {
    if (quietNow.getAsBoolean()) {
      demoted(message);
    } else if (log.isErrorEnabled()) {
      log.notifyError(message);
    }
  }

  @Override
  public void notifyError(Throwable cause, String message) {
    if (quietNow.getAsBoolean() || intended.test(cause)) {
      demoted(message);
    } else if (log.isErrorEnabled()) {
      log.notifyError(cause, message);
    }
  }

  @Override
  public void notifyWarning(String message) {
    if (quietNow.getAsBoolean()) {
      demoted(message);
    } else if (log.isWarningEnabled()) {
      log.notifyWarning(message);
    }
  }

  @Override
  public void notifyWarning(Throwable cause, String message) {
    if (quietNow.getAsBoolean() || intended.test(cause)) {
      demoted(message);
    } else if (log.isWarningEnabled()) {
      log.notifyWarning(cause, message);
    }
  }

  @Override
  public void notifyInfo(String message) {
    log.notifyInfo(message);
  }

  @Override
  public void notifyDebug(String message) {
    log.notifyDebug(message);
  }

  private void demoted(String message) {
    if (log.isDebugEnabled()) {
      log.notifyDebug(message);
    }
  }
}
