package io.fetchpipe.http.server;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.mapRouteResultFuture;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.redirect;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.fetchpipe.core.Delay;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/** The route tree of {@link TestServer}; counts requests in flight as they pass through. */
final class TestRoutes {
  private static final int CHUNK = 8192;
  private static final ByteString FILLER = ByteString.fromArray(new byte[CHUNK]);

  private final ActorSystem<?> system;
  private final ServerSettings settings;
  private final ServerStats stats;
  private final ConcurrentMap<String, AtomicInteger> faultCounters = new ConcurrentHashMap<>();

  TestRoutes(ActorSystem<?> system, ServerSettings settings, ServerStats stats) {
    this.system = system;
    this.settings = settings;
    this.stats = stats;
  }

  Route route() {
    return mapRouteResultFuture(stats::track, () -> get(() -> concat(
        path("get", () -> complete(json("{\"ok\":true}"))),
        pathPrefix("delay", () -> path(segment(), this::delay)),
        pathPrefix("status", () -> path(segment(), this::status)),
        pathPrefix("bytes", () -> path(segment(), this::bytes)),
        pathPrefix("flaky", () -> path(segment().slash(segment()), this::flaky)),
        pathPrefix("retry-after", () -> path(segment().slash(segment()), this::retryAfter)),
        pathPrefix("redirect", () -> path(segment(), this::redirectChain)),
        path("reset", this::reset),
        path("hang", this::hang))));
  }

  private static HttpResponse json(String body) {
    return HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
  }

  private static Route badRequest(String why) {
    return complete(StatusCodes.BAD_REQUEST, why + "\n");
  }

  private Route delay(String seconds) {
    double value;
    try {
      value = Double.parseDouble(seconds);
    } catch (NumberFormatException e) {
      return badRequest("delay must be a number of seconds, got '" + seconds + "'");
    }
    Duration delay = Duration.ofNanos((long) (value * 1e9));
    if (!(value >= 0) || delay.compareTo(settings.maxDelay()) > 0) {
      return badRequest("delay must be between 0 and " + settings.maxDelay().toSeconds() + " seconds");
    }
    return completeWithFuture(Delay.after(system, delay, () -> json("{\"delay\":" + seconds + "}")));
  }

  private Route status(String code) {
    int value = parseIntOr(code, -1);
    if (value < 200 || value > 599) {
      return badRequest("status must be between 200 and 599, got '" + code + "'");
    }
    return complete(HttpResponse.create().withStatus(value)
        .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, "status " + value + "\n")));
  }

  private Route bytes(String count) {
    long n = parseLongOr(count, -1);
    if (n < 0 || n > settings.maxBytes()) {
      return badRequest("bytes must be between 0 and " + settings.maxBytes() + ", got '" + count + "'");
    }
    // Streamed in chunks with a declared length: never holds n bytes at once.
    Source<ByteString, ?> body = Source.repeat(FILLER).take(n / CHUNK)
        .concat(Source.single(FILLER.take((int) (n % CHUNK))));
    return complete(HttpResponse.create()
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, n, body)));
  }

  private Route flaky(String key, String failures) {
    int n = parseIntOr(failures, -1);
    if (n < 0) {
      return badRequest("failures must be a whole number, got '" + failures + "'");
    }
    int seen = counter("flaky/" + key).getAndIncrement();
    return seen < n
        ? complete(StatusCodes.SERVICE_UNAVAILABLE, "failure " + (seen + 1) + " of " + n + "\n")
        : complete(json("{\"ok\":true,\"after_failures\":" + n + "}"));
  }

  private Route retryAfter(String key, String seconds) {
    int wait = parseIntOr(seconds, -1);
    if (wait < 0) {
      return badRequest("seconds must be a whole number, got '" + seconds + "'");
    }
    if (counter("retry-after/" + key).getAndIncrement() == 0) {
      return complete(HttpResponse.create().withStatus(StatusCodes.TOO_MANY_REQUESTS)
          .addHeader(RawHeader.create("Retry-After", Integer.toString(wait)))
          .withEntity("slow down\n"));
    }
    return complete(json("{\"ok\":true}"));
  }

  private Route redirectChain(String hops) {
    int n = parseIntOr(hops, -1);
    if (n < 0) {
      return badRequest("hops must be a whole number, got '" + hops + "'");
    }
    // Relative Location headers, as many servers send them.
    String next = n <= 1 ? "/get" : "/redirect/" + (n - 1);
    return redirect(Uri.create(next), StatusCodes.FOUND);
  }

  /** Sends the headers, then cuts the connection in the middle of the body. */
  private Route reset() {
    Source<ByteString, ?> broken = Source.single(FILLER)
        .concat(Source.failed(new IllegalStateException("connection reset on purpose")));
    return complete(HttpResponse.create()
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, 1_000_000, broken)));
  }

  /** Never answers (until the server's own request timeout, or shutdown). */
  private Route hang() {
    return completeWithFuture(new CompletableFuture<HttpResponse>());
  }

  private AtomicInteger counter(String key) {
    return faultCounters.computeIfAbsent(key, k -> new AtomicInteger());
  }

  /** Forgets the state of the fault routes (flaky and retry-after counters). */
  void resetFaults() {
    faultCounters.clear();
  }

  private static int parseIntOr(String text, int fallback) {
    long value = parseLongOr(text, fallback);
    return value > Integer.MAX_VALUE ? fallback : (int) value;
  }

  private static long parseLongOr(String text, long fallback) {
    try {
      return Long.parseLong(text.toLowerCase(Locale.ROOT));
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
