package io.fetchpipe.http.server;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.parameterMap;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.fetchpipe.core.Delay;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * {@code GET /chaos/{key}/{size}}: a body of {@code size} bytes that is the same on every answer
 * for the same key ({@link #body}: the key and a space, repeated), or, at random, one of the faults
 * a long job meets on the way to it. Each request draws once:
 *
 * <ul>
 *   <li>{@code reset}: the connection is aborted without an answer (Pekko HTTP sends the headers
 *       with the first body bytes, and there are none);
 *   <li>{@code unavailable}: 503 with {@code Retry-After: retry-after} seconds;
 *   <li>{@code slow}: the whole body, in eight pieces spread over {@code slow-ms} milliseconds;
 *   <li>{@code cut}: the headers (with the full Content-Length) and half the body, then 200 ms
 *       later the connection is aborted (on a machine so loaded that the half body has not left by
 *       then, nothing arrives, as with a reset);
 *   <li>otherwise the whole body at once.
 * </ul>
 *
 * <p>The chances are query parameters between 0 and 1 (together at most 1), e.g. {@code
 * /chaos/17/4096?reset=0.05&unavailable=0.1}; absent ones are 0.05, {@code retry-after} 1 and
 * {@code slow-ms} 500. A client that retries {@code io} errors and 503s ends every URL with its
 * exact body, whatever it met on the way; a truncated or mixed-up body shows in its hash.
 */
final class ChaosRoutes {
  private enum Fault {
    RESET,
    UNAVAILABLE,
    SLOW,
    CUT,
    NONE
  }

  private static final double DEFAULT_CHANCE = 0.05;
  private static final int SLOW_PIECES = 8;
  private static final int MAX_SIZE = 16 * 1024 * 1024;
  private static final int MAX_RETRY_AFTER = 60;
  private static final long MAX_SLOW_MS = 60_000;
  // An abort drops what the connection has not written yet: the half body gets this long to
  // leave first (20 ms was not always enough on a loaded machine).
  private static final Duration BEFORE_ABORT = Duration.ofMillis(200);

  private final ActorSystem<?> system;

  ChaosRoutes(ActorSystem<?> system) {
    this.system = system;
  }

  /** The route: {@code /chaos/{key}/{size}}, GET only; anything else is not its business. */
  Route route() {
    return get(
        () ->
            pathPrefix(
                "chaos",
                () ->
                    path(
                        segment().slash(segment()),
                        (key, size) -> parameterMap(parameters -> chaos(key, size, parameters)))));
  }

  /**
   * The body of {@code /chaos/{key}/{size}}: {@code key + " "} repeated, cut at {@code size} bytes.
   */
  static ByteString body(String key, int size) {
    byte[] unit = (key + " ").getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[size];
    for (int i = 0; i < size; i++) {
      body[i] = unit[i % unit.length];
    }
    return ByteString.fromArrayUnsafe(body);
  }

  private Route chaos(String key, String sizeText, Map<String, String> parameters) {
    int size;
    double reset;
    double unavailable;
    double slow;
    double cut;
    long retryAfter;
    long slowMs;
    try {
      size = (int) whole(sizeText, "size", MAX_SIZE);
      reset = chance(parameters, "reset");
      unavailable = chance(parameters, "unavailable");
      slow = chance(parameters, "slow");
      cut = chance(parameters, "cut");
      retryAfter =
          whole(parameters.getOrDefault("retry-after", "1"), "retry-after", MAX_RETRY_AFTER);
      slowMs = whole(parameters.getOrDefault("slow-ms", "500"), "slow-ms", MAX_SLOW_MS);
    } catch (IllegalArgumentException e) {
      return complete(StatusCodes.BAD_REQUEST, e.getMessage() + "\n");
    }
    if (reset + unavailable + slow + cut > 1) {
      return complete(StatusCodes.BAD_REQUEST, "the chances add up to more than 1\n");
    }
    double draw = ThreadLocalRandom.current().nextDouble();
    Fault fault =
        draw < reset
            ? Fault.RESET
            : draw < reset + unavailable
                ? Fault.UNAVAILABLE
                : draw < reset + unavailable + slow
                    ? Fault.SLOW
                    : draw < reset + unavailable + slow + cut ? Fault.CUT : Fault.NONE;
    ByteString body = body(key, size);
    return switch (fault) {
      case RESET -> complete(withBody(size, Source.failed(aborted())));
      case UNAVAILABLE ->
          complete(
              HttpResponse.create()
                  .withStatus(StatusCodes.SERVICE_UNAVAILABLE)
                  .addHeader(RawHeader.create("Retry-After", Long.toString(retryAfter)))
                  .withEntity("unavailable, on purpose\n"));
      case SLOW ->
          complete(
              withBody(
                  size,
                  Source.from(pieces(body))
                      .throttle(1, Duration.ofMillis(Math.max(1, slowMs / SLOW_PIECES)))));
      case CUT ->
          complete(withBody(size, Source.single(body.take(size / 2)).concat(abortedLater())));
      case NONE ->
          complete(HttpResponse.create().withEntity(ContentTypes.APPLICATION_OCTET_STREAM, body));
    };
  }

  /**
   * A response promising {@code size} bytes, whatever {@code bytes} delivers. Pekko HTTP streams no
   * entity of length 0, so an empty body goes chunked (and still aborts, or ends, as told).
   */
  private static HttpResponse withBody(int size, Source<ByteString, ?> bytes) {
    return HttpResponse.create()
        .withEntity(
            size == 0
                ? HttpEntities.createChunked(ContentTypes.APPLICATION_OCTET_STREAM, bytes)
                : HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, size, bytes));
  }

  /** A body's failure: the server aborts the connection. */
  private static IllegalStateException aborted() {
    return new IllegalStateException("connection aborted on purpose");
  }

  /** A body's failure a moment from now, once the bytes before it have been sent. */
  private Source<ByteString, ?> abortedLater() {
    return Source.completionStage(
        Delay.sleep(system, BEFORE_ABORT)
            .<ByteString>thenCompose(slept -> CompletableFuture.failedFuture(aborted())));
  }

  private static List<ByteString> pieces(ByteString body) {
    List<ByteString> pieces = new ArrayList<>(SLOW_PIECES);
    int piece = Math.max(1, (body.size() + SLOW_PIECES - 1) / SLOW_PIECES);
    for (int from = 0; from < body.size(); from += piece) {
      pieces.add(body.slice(from, Math.min(body.size(), from + piece)));
    }
    return pieces;
  }

  private static double chance(Map<String, String> parameters, String name) {
    String text = parameters.get(name);
    if (text == null) {
      return DEFAULT_CHANCE;
    }
    double value;
    try {
      value = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      value = -1;
    }
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(
          name + " must be a chance between 0 and 1, got '" + text + "'");
    }
    return value;
  }

  private static long whole(String text, String name, long max) {
    long value;
    try {
      value = Long.parseLong(text);
    } catch (NumberFormatException e) {
      value = -1;
    }
    if (value < 0 || value > max) {
      throw new IllegalArgumentException(
          name + " must be a whole number between 0 and " + max + ", got '" + text + "'");
    }
    return value;
  }
}
