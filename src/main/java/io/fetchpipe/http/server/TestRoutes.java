package io.fetchpipe.http.server;

import static org.apache.pekko.http.javadsl.server.Directives.anyOf;
import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.handleRejections;
import static org.apache.pekko.http.javadsl.server.Directives.mapRouteResultFuture;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithDefaultHeaders;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.ContentEncoding;
import org.apache.pekko.http.javadsl.model.headers.HttpEncodings;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.coding.Coders;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * The route tree of {@link TestServer}: httpbin's routes ({@link HttpbinRoutes}, {@link
 * HttpbinContentRoutes}) and fetchpipe's own fault routes beside them; counts requests in flight as
 * they pass through. Every answer carries httpbin's CORS headers, and an unknown path or a method a
 * route does not take is answered with a small HTML page, as from httpbin.
 */
final class TestRoutes {
  private static final ByteString JSON_OK = ByteString.fromString("{\"ok\":true}");
  private static final ByteString FILLER = ByteString.fromArray(new byte[8192]);
  // Larger chunks for /gzip-bytes: the encoder flushes after every chunk, and each flush costs
  // bytes on the wire.
  private static final int BOMB_CHUNK = 64 * 1024;
  private static final ByteString BOMB_FILLER = ByteString.fromArray(new byte[BOMB_CHUNK]);
  private static final RejectionHandler HTML_REJECTIONS =
      RejectionHandler.defaultHandler().mapRejectionResponse(TestRoutes::asHtmlPage);

  private final ServerStats stats;
  private final HttpbinRoutes httpbin;
  private final HttpbinContentRoutes content;
  private final long bombLimit;
  private final ConcurrentMap<String, AtomicInteger> faultCounters = new ConcurrentHashMap<>();

  TestRoutes(ActorSystem<?> system, ServerSettings settings, ServerStats stats) {
    this.stats = stats;
    this.httpbin = new HttpbinRoutes(system, settings);
    this.content = new HttpbinContentRoutes(settings);
    this.bombLimit = settings.maxBytes();
  }

  Route route() {
    return extractRequest(
        request ->
            mapRouteResultFuture(
                response ->
                    stats.track(
                        request.getHeader("Host").map(HttpHeader::value).orElse(""), response),
                () ->
                    respondWithDefaultHeaders(
                        cors(request.getHeader("Origin").map(HttpHeader::value).orElse("*")),
                        () ->
                            handleRejections(
                                HTML_REJECTIONS,
                                () -> concat(httpbin.route(), content.route(), faultRoutes())))));
  }

  /**
   * {@code inner} for GET and HEAD (answered like GET: Pekko HTTP then sends the headers without
   * the body). Used once a path has matched, so that a route of the same path for other methods
   * still gets its 405 rather than a 404.
   */
  static Route read(Supplier<Route> inner) {
    return anyOf(Directives::get, Directives::head, inner);
  }

  /** httpbin's CORS headers: any origin may read the answers, with credentials. */
  private static List<HttpHeader> cors(String origin) {
    return List.of(
        RawHeader.create("Access-Control-Allow-Origin", origin),
        RawHeader.create("Access-Control-Allow-Credentials", "true"));
  }

  /** Pekko HTTP's answer to a rejection, its text made into a small HTML page as httpbin's are. */
  private static HttpResponse asHtmlPage(HttpResponse rejected) {
    int status = rejected.status().intValue();
    if (status != StatusCodes.NOT_FOUND.intValue()
        && status != StatusCodes.METHOD_NOT_ALLOWED.intValue()) {
      return rejected;
    }
    String reason = rejected.status().reason();
    String page =
        "<!doctype html>\n<html lang=en>\n<title>"
            + status
            + " "
            + reason
            + "</title>\n<h1>"
            + reason
            + "</h1>\n<p>"
            + (status == StatusCodes.NOT_FOUND.intValue()
                ? "The requested URL was not found on the server."
                : "The method is not allowed for the requested URL.")
            + "</p>\n";
    return rejected.withEntity(HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, page));
  }

  /** fetchpipe's own routes: faults a client must cope with, and bodies to test its decoding. */
  private Route faultRoutes() {
    return concat(
        pathPrefix(
            "flaky", () -> path(segment().slash(segment()), (key, n) -> read(() -> flaky(key, n)))),
        pathPrefix(
            "retry-after",
            () -> path(segment().slash(segment()), (key, s) -> read(() -> retryAfter(key, s)))),
        path("reset", () -> read(this::reset)),
        path("hang", () -> read(this::hang)),
        pathPrefix("gzip-bytes", () -> path(segment(), count -> read(() -> gzipBytes(count)))),
        pathPrefix("charset", () -> path(segment(), name -> read(() -> charset(name)))));
  }

  static Route badRequest(String why) {
    return complete(StatusCodes.BAD_REQUEST, why + "\n");
  }

  /** n bytes: {@code chunk} over and over, the last time cut short. */
  static Source<ByteString, ?> repeated(long n, ByteString chunk) {
    int size = chunk.size();
    return Source.repeat(chunk).take(n / size).concat(Source.single(chunk.take((int) (n % size))));
  }

  private static HttpResponse ok() {
    return HttpResponse.create()
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, JSON_OK));
  }

  private Route flaky(String key, String failures) {
    int n = parseIntOr(failures, -1);
    if (n < 0) {
      return badRequest("failures must be a whole number, got '" + failures + "'");
    }
    int seen = counter("flaky/" + key).getAndIncrement();
    return seen < n
        ? complete(StatusCodes.SERVICE_UNAVAILABLE, "failure " + (seen + 1) + " of " + n + "\n")
        : complete(
            HttpResponse.create()
                .withEntity(
                    HttpEntities.create(
                        ContentTypes.APPLICATION_JSON,
                        "{\"ok\":true,\"after_failures\":" + n + "}")));
  }

  private Route retryAfter(String key, String seconds) {
    int wait = parseIntOr(seconds, -1);
    if (wait < 0) {
      return badRequest("seconds must be a whole number, got '" + seconds + "'");
    }
    if (counter("retry-after/" + key).getAndIncrement() == 0) {
      return complete(
          HttpResponse.create()
              .withStatus(StatusCodes.TOO_MANY_REQUESTS)
              .addHeader(RawHeader.create("Retry-After", Integer.toString(wait)))
              .withEntity("slow down\n"));
    }
    return complete(ok());
  }

  /** Sends the headers, then cuts the connection in the middle of the body. */
  private Route reset() {
    Source<ByteString, ?> broken =
        Source.single(FILLER)
            .concat(Source.failed(new IntendedFault("connection reset on purpose")));
    return complete(
        HttpResponse.create()
            .withEntity(
                HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, 1_000_000, broken)));
  }

  /** Never answers (until the server's own request timeout, or shutdown). */
  private Route hang() {
    return completeWithFuture(new CompletableFuture<HttpResponse>());
  }

  /** n zero bytes, gzip-encoded as they stream: a few KB on the wire for megabytes decoded. */
  private Route gzipBytes(String count) {
    long n = parseLongOr(count, -1);
    if (n < 0 || n > bombLimit) {
      return badRequest("gzip-bytes must be between 0 and " + bombLimit + ", got '" + count + "'");
    }
    // The encoder flow itself: Coder.encodeMessage leaves alone types it deems incompressible,
    // application/octet-stream among them.
    Source<ByteString, ?> gzipped = repeated(n, BOMB_FILLER).via(Coders.Gzip().encoderFlow());
    return complete(
        HttpResponse.create()
            .addHeader(ContentEncoding.create(HttpEncodings.GZIP))
            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, gzipped)));
  }

  /**
   * {@link TestServer#CHARSET_SAMPLE} encoded in the named charset, and labelled with that name.
   */
  private Route charset(String name) {
    Charset charset;
    try {
      charset = Charset.forName(name);
    } catch (IllegalArgumentException e) {
      return badRequest("unknown charset '" + name + "'");
    }
    ByteString body;
    try {
      body =
          ByteString.fromByteBuffer(
              charset.newEncoder().encode(CharBuffer.wrap(TestServer.CHARSET_SAMPLE)));
    } catch (CharacterCodingException | UnsupportedOperationException e) {
      return badRequest("charset '" + name + "' cannot encode the sample text");
    }
    ContentType type = ContentTypes.create(MediaTypes.TEXT_PLAIN, HttpCharsets.custom(name));
    return complete(HttpResponse.create().withEntity(HttpEntities.create(type, body)));
  }

  private AtomicInteger counter(String key) {
    return faultCounters.computeIfAbsent(key, k -> new AtomicInteger());
  }

  /**
   * Whether {@code error} is one of the faults the routes cause on purpose (the server logs those
   * at debug: they are what a test asked for).
   */
  static boolean isIntended(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof IntendedFault) {
        return true;
      }
    }
    return false;
  }

  /**
   * A failure a fault route causes on purpose; it carries no stack trace, having no bug to locate.
   */
  private static final class IntendedFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    IntendedFault(String message) {
      super(message, null, false, false);
    }
  }

  /** Forgets the state of the fault routes (flaky and retry-after counters). */
  void resetFaults() {
    faultCounters.clear();
  }

  static int parseIntOr(String text, int fallback) {
    long value = parseLongOr(text, fallback);
    return value > Integer.MAX_VALUE ? fallback : (int) value;
  }

  static long parseLongOr(String text, long fallback) {
    try {
      return Long.parseLong(text.toLowerCase(Locale.ROOT));
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
