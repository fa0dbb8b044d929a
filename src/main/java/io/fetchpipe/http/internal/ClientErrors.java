package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.http.FetchErrorKind;
import io.fetchpipe.http.FetchFailure;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.StreamTcpException;

/**
 * Turns what Pekko HTTP's client (and the body reader) fail with into a {@link FetchFailure} of the
 * right kind.
 */
@InternalApi
public final class ClientErrors {
  private ClientErrors() {}

  /** The failure for {@code error}, which ended attempt number {@code attempt}. */
  public static FetchFailure classify(Throwable error, int attempt, long maxBody) {
    Throwable cause = ErrorKind.unwrap(error);
    if (cause instanceof FetchFailure failure) {
      return failure;
    }
    for (Throwable t = cause; t != null; t = t.getCause()) {
      FetchFailure network = NetworkErrors.classify(t, attempt);
      if (network != null) {
        return network;
      }
      if (t instanceof BodyReader.BodyWriteFailed writeFailed) {
        return new FetchFailure(
            FetchErrorKind.WRITE, writeFailed.getMessage(), attempt, null, writeFailed);
      }
      if (t instanceof EntityStreamSizeException || t instanceof BodyReader.BodyTooLarge) {
        return new FetchFailure(
            FetchErrorKind.TOO_LARGE, "body larger than " + maxBody + " bytes", attempt);
      }
      if (t instanceof UnknownHostException) {
        return new FetchFailure(
            FetchErrorKind.CONNECT, "unknown host " + t.getMessage(), attempt, null, cause);
      }
      if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
        return new FetchFailure(FetchErrorKind.CONNECT, message(t), attempt, null, cause);
      }
      if (t instanceof TimeoutException) {
        return new FetchFailure(ErrorKind.TIMEOUT, message(t), attempt, null, cause);
      }
      if (t instanceof StreamTcpException && String.valueOf(t.getMessage()).contains("Connect(")) {
        return new FetchFailure(
            FetchErrorKind.CONNECT, connectReason(t.getMessage()), attempt, null, cause);
      }
    }
    return new FetchFailure(FetchErrorKind.IO, message(cause), attempt, null, cause);
  }

  /** Pekko says "Tcp command [Connect(...)] failed because of java.net.ConnectException: ...". */
  private static String connectReason(String message) {
    int because = message.lastIndexOf("because of ");
    String reason = because < 0 ? message : message.substring(because + "because of ".length());
    int colon = reason.indexOf(": ");
    return "connect failed: " + (colon < 0 ? reason : reason.substring(colon + 2));
  }

  /** The first line of an exception's message, or its class name when it has none. */
  static String message(Throwable t) {
    String message = t.getMessage();
    if (message == null || message.isBlank()) {
      return t.getClass().getSimpleName();
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
