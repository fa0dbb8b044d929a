package io.fetchpipe.http;

import io.fetchpipe.core.ErrorKind;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.StreamTcpException;

/** Turns what Pekko HTTP's client fails with into a {@link FetchFailure} of the right kind. */
final class FetchErrors {
  private FetchErrors() {}

  static FetchFailure classify(Throwable error, int attempt, long maxBody) {
    Throwable cause = io.fetchpipe.core.ErrorKind.unwrap(error);
    if (cause instanceof FetchFailure failure) {
      return failure;
    }
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof EntityStreamSizeException) {
        return new FetchFailure(ErrorKind.TOO_LARGE, "body larger than " + maxBody + " bytes", attempt, 0, null);
      }
      if (t instanceof UnknownHostException) {
        return new FetchFailure(ErrorKind.CONNECT, "unknown host " + t.getMessage(), attempt, 0, cause);
      }
      if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
        return new FetchFailure(ErrorKind.CONNECT, message(t), attempt, 0, cause);
      }
      if (t instanceof TimeoutException) {
        return new FetchFailure(ErrorKind.TIMEOUT, message(t), attempt, 0, cause);
      }
      if (t instanceof StreamTcpException && String.valueOf(t.getMessage()).contains("Connect(")) {
        return new FetchFailure(ErrorKind.CONNECT, connectReason(t.getMessage()), attempt, 0, cause);
      }
    }
    return new FetchFailure(ErrorKind.IO, message(cause), attempt, 0, cause);
  }

  /** Pekko says "Tcp command [Connect(...)] failed because of java.net.ConnectException: ...". */
  private static String connectReason(String message) {
    int because = message.lastIndexOf("because of ");
    String reason = because < 0 ? message : message.substring(because + "because of ".length());
    int colon = reason.indexOf(": ");
    return "connect failed: " + (colon < 0 ? reason : reason.substring(colon + 2));
  }

  private static String message(Throwable t) {
    String message = t.getMessage();
    if (message == null || message.isBlank()) {
      return t.getClass().getSimpleName();
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
