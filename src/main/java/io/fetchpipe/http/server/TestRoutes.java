package io.fetchpipe.http.server;

import static org.apache.pekko.http.javadsl.server.Directives.anyOf;
import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.mapRouteResultFuture;
import static org.apache.pekko.http.javadsl.server.Directives.parameterList;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.rawPathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.redirect;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;
import static org.apache.pekko.http.javadsl.server.PathMatchers.slash;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fetchpipe.core.Delay;
import org.apache.pekko.http.javadsl.server.Directives;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.coding.Coder;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.ContentEncoding;
import org.apache.pekko.http.javadsl.model.headers.Host;
import org.apache.pekko.http.javadsl.model.headers.HttpEncodings;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.headers.RawRequestURI;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.coding.Coders;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/** The route tree of {@link TestServer}; counts requests in flight as they pass through. */
final class TestRoutes {
  private static final int CHUNK = 8192;
  private static final ByteString FILLER = ByteString.fromArray(new byte[CHUNK]);
  // Larger chunks for /gzip-bytes: the encoder flushes after every chunk, and each flush costs
  // bytes on the wire.
  private static final int BOMB_CHUNK = 64 * 1024;
  private static final ByteString BOMB_FILLER = ByteString.fromArray(new byte[BOMB_CHUNK]);
  // How long /anything waits for a request body; the server's request-timeout usually ends it first.
  private static final Duration BODY_READ_TIMEOUT = Duration.ofSeconds(60);
  // RFC 9110's token: the characters a header name may have.
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  // Header values may hold visible characters, spaces and tabs, nothing that could end the line.
  private static final Pattern HEADER_VALUE = Pattern.compile("[^\\x00-\\x08\\x0a-\\x1f\\x7f]*");
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ByteString JSON_SAMPLE = jsonSample();

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
    return extractRequest(request -> mapRouteResultFuture(
        response -> stats.track(request.getHeader("Host").map(HttpHeader::value).orElse(""), response), () -> concat(
        pathPrefix("anything", () -> concat(pathEnd(this::anything), rawPathPrefix(slash(), this::anything))),
        // Any method is redirected, as by most servers: the client decides what the next hop sends.
        pathPrefix("redirect", () -> path(segment(), this::redirectChain)),
        // HEAD is answered like GET (Pekko HTTP then sends the headers without the body).
        anyOf(Directives::get, Directives::head, this::getRoutes))));
  }

  private Route getRoutes() {
    return concat(
        path("get", () -> complete(json("{\"ok\":true}"))),
        pathPrefix("delay", () -> path(segment(), this::delay)),
        pathPrefix("status", () -> path(segment(), this::status)),
        pathPrefix("bytes", () -> path(segment(), this::bytes)),
        pathPrefix("flaky", () -> path(segment().slash(segment()), this::flaky)),
        pathPrefix("retry-after", () -> path(segment().slash(segment()), this::retryAfter)),
        path("reset", this::reset),
        path("hang", this::hang),
        path("gzip", () -> encoded(Coder.Gzip, "gzipped")),
        path("deflate", () -> encoded(Coder.Deflate, "deflated")),
        pathPrefix("gzip-bytes", () -> path(segment(), this::gzipBytes)),
        path("json", () -> complete(json(JSON_SAMPLE))),
        path(segment("encoding").slash("utf8"), () -> complete(
            HttpResponse.create().withEntity(ContentTypes.TEXT_PLAIN_UTF8, TestServer.UTF8_SAMPLE))),
        pathPrefix("charset", () -> path(segment(), this::charset)),
        path("response-headers", () -> parameterList(this::responseHeaders)),
        pathPrefix("base64", () -> path(segment(), this::base64)));
  }

  private static HttpResponse json(String body) {
    return HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
  }

  private static HttpResponse json(ByteString body) {
    return HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
  }

  private static HttpResponse json(JsonNode body) {
    return json(serialize(body));
  }

  private static ByteString serialize(JsonNode body) {
    try {
      return ByteString.fromArrayUnsafe(MAPPER.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of plain nodes always serialises", e);
    }
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
    HttpResponse response = HttpResponse.create().withStatus(value);
    // 204 and 304 must not carry a body (Pekko HTTP would answer 500 instead).
    return complete(response.status().allowsEntity()
        ? response.withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, "status " + value + "\n"))
        : response);
  }

  private Route bytes(String count) {
    long n = parseLongOr(count, -1);
    if (n < 0 || n > settings.maxBytes()) {
      return badRequest("bytes must be between 0 and " + settings.maxBytes() + ", got '" + count + "'");
    }
    // Streamed in chunks with a declared length: never holds n bytes at once.
    return complete(HttpResponse.create()
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, n, zeros(n, FILLER))));
  }

  /** n zero bytes, in chunks of {@code filler}'s size. */
  private static Source<ByteString, ?> zeros(long n, ByteString filler) {
    int chunk = filler.size();
    return Source.repeat(filler).take(n / chunk).concat(Source.single(filler.take((int) (n % chunk))));
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
    Source<ByteString, ?> broken = Source.single(FILLER).concat(Source.failed(new IntendedFault("connection reset on purpose")));
    return complete(HttpResponse.create()
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, 1_000_000, broken)));
  }

  /** Never answers (until the server's own request timeout, or shutdown). */
  private Route hang() {
    return completeWithFuture(new CompletableFuture<HttpResponse>());
  }

  /** Echoes the request, whatever its method: method, URL, headers and body (as text and base64). */
  private Route anything() {
    return extractRequest(request -> completeWithFuture(echo(request)));
  }

  private CompletionStage<HttpResponse> echo(HttpRequest request) {
    long limit = settings.maxRequestBody();
    if (request.entity().getContentLengthOption().orElse(0) > limit) {
      return CompletableFuture.completedFuture(tooLarge());
    }
    // withSizeLimit replaces the server's max-content-length for this body.
    return request.entity().withSizeLimit(limit).toStrict(BODY_READ_TIMEOUT.toMillis(), limit, system)
        .handle((body, error) -> error == null ? json(describe(request, body.getData())) : unreadBody(error));
  }

  /**
   * The answer to a body that could not be read: 413 when a chunked one went over the limit. Done
   * here because the failure arrives wrapped in a CompletionException, which Pekko HTTP's default
   * exception handler answers with 500.
   */
  private HttpResponse unreadBody(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof EntityStreamSizeException) {
      return tooLarge();
    }
    throw error instanceof CompletionException completion ? completion : new CompletionException(error);
  }

  private HttpResponse tooLarge() {
    return HttpResponse.create().withStatus(StatusCodes.CONTENT_TOO_LARGE)
        .withEntity("request body over " + settings.maxRequestBody() + " bytes\n");
  }

  private static ObjectNode describe(HttpRequest request, ByteString body) {
    ObjectNode echo = MAPPER.createObjectNode();
    echo.put("method", request.method().value());
    echo.put("url", urlAsReceived(request));
    ObjectNode headers = echo.putObject("headers");
    headersAsReceived(request).forEach(headers::put);
    echo.put("body", body.decodeString(StandardCharsets.UTF_8));
    echo.put("body_base64", Base64.getEncoder().encodeToString(body.toArray()));
    return echo;
  }

  /**
   * The request target as the client sent it (the server adds it as the synthetic Raw-Request-URI
   * header; see {@link TestServer}), made absolute with the Host header as sent.
   */
  private static String urlAsReceived(HttpRequest request) {
    var raw = request.getHeader(RawRequestURI.class);
    var host = request.getHeader(Host.class);
    if (raw.isEmpty() || host.isEmpty()) {
      return request.getUri().toString();
    }
    String target = raw.get().value();
    return target.startsWith("/") ? request.getUri().getScheme() + "://" + host.get().value() + target : target;
  }

  /**
   * The request's headers by name as first received, repeated ones joined with {@code ", "}.
   * Pekko HTTP keeps the framing headers in the entity, so Content-Type (as Pekko HTTP parsed it)
   * and Content-Length or Transfer-Encoding are restated from it; the headers it adds itself
   * (Timeout-Access, Raw-Request-URI) are left out.
   */
  private static Map<String, String> headersAsReceived(HttpRequest request) {
    Map<String, String> joined = new LinkedHashMap<>();
    Map<String, String> spelling = new HashMap<>();
    for (HttpHeader header : request.getHeaders()) {
      if (header.renderInRequests()) {
        String name = spelling.computeIfAbsent(header.name().toLowerCase(Locale.ROOT), lower -> header.name());
        joined.merge(name, header.value(), (first, next) -> first + ", " + next);
      }
    }
    HttpEntity entity = request.entity();
    ContentType type = entity.getContentType();
    // Without a Content-Type header Pekko HTTP assumes application/octet-stream: left out for an
    // empty body, where the assumption is all there is.
    boolean assumed = type.equals(ContentTypes.APPLICATION_OCTET_STREAM) && entity.isKnownEmpty();
    if (!assumed && !type.equals(ContentTypes.NO_CONTENT_TYPE)) {
      joined.put("Content-Type", type.toString());
    }
    if (entity.isChunked()) {
      joined.put("Transfer-Encoding", "chunked");
    } else if (!entity.isKnownEmpty()) {
      entity.getContentLengthOption().ifPresent(length -> joined.put("Content-Length", Long.toString(length)));
    }
    return joined;
  }

  /** A small JSON body, always encoded with {@code coder} whatever the request accepts. */
  private static Route encoded(Coder coder, String flag) {
    return extractRequest(request -> complete(coder.encodeMessage(
        json(MAPPER.createObjectNode().put(flag, true).put("method", request.method().value())))));
  }

  /** n zero bytes, gzip-encoded as they stream: a few KB on the wire for megabytes decoded. */
  private Route gzipBytes(String count) {
    long n = parseLongOr(count, -1);
    if (n < 0 || n > settings.maxBytes()) {
      return badRequest("gzip-bytes must be between 0 and " + settings.maxBytes() + ", got '" + count + "'");
    }
    // The encoder flow itself: Coder.encodeMessage leaves alone types it deems incompressible,
    // application/octet-stream among them.
    Source<ByteString, ?> gzipped = zeros(n, BOMB_FILLER).via(Coders.Gzip().encoderFlow());
    return complete(HttpResponse.create()
        .addHeader(ContentEncoding.create(HttpEncodings.GZIP))
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, gzipped)));
  }

  /** {@link TestServer#CHARSET_SAMPLE} encoded in the named charset, and labelled with that name. */
  private Route charset(String name) {
    Charset charset;
    try {
      charset = Charset.forName(name);
    } catch (IllegalArgumentException e) {
      return badRequest("unknown charset '" + name + "'");
    }
    ByteString body;
    try {
      body = ByteString.fromByteBuffer(charset.newEncoder().encode(CharBuffer.wrap(TestServer.CHARSET_SAMPLE)));
    } catch (CharacterCodingException | UnsupportedOperationException e) {
      return badRequest("charset '" + name + "' cannot encode the sample text");
    }
    ContentType type = ContentTypes.create(MediaTypes.TEXT_PLAIN, HttpCharsets.custom(name));
    return complete(HttpResponse.create().withEntity(HttpEntities.create(type, body)));
  }

  /**
   * Each query parameter becomes a response header, in order (a repeated name gives repeated
   * headers); Content-Type sets the entity's type. The body is the parameters as a JSON object,
   * a repeated name's values as an array.
   */
  private Route responseHeaders(List<Map.Entry<String, String>> parameters) {
    List<HttpHeader> headers = new ArrayList<>();
    ContentType type = ContentTypes.APPLICATION_JSON;
    ObjectNode body = MAPPER.createObjectNode();
    for (Map.Entry<String, String> parameter : parameters) {
      String name = parameter.getKey();
      String value = parameter.getValue();
      if (!HEADER_NAME.matcher(name).matches() || !HEADER_VALUE.matcher(value).matches()) {
        return badRequest("not a valid header: '" + name + "'");
      }
      if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")) {
        return badRequest(name + " frames the body and is the server's to set");
      }
      if (name.equalsIgnoreCase("Content-Type")) {
        try {
          type = ContentTypes.parse(value);
        } catch (IllegalArgumentException e) {
          return badRequest("not a valid Content-Type: '" + value + "'");
        }
      } else {
        // Parsed, so that headers Pekko HTTP models (Server, Date, Cache-Control...) replace its
        // own instead of being dropped as raw duplicates.
        headers.add(HttpHeader.parse(name, value));
      }
      addParameter(body, name, value);
    }
    return complete(HttpResponse.create().withHeaders(headers).withEntity(HttpEntities.create(type, serialize(body))));
  }

  private static void addParameter(ObjectNode body, String name, String value) {
    JsonNode earlier = body.get(name);
    if (earlier == null) {
      body.put(name, value);
    } else if (earlier instanceof ArrayNode values) {
      values.add(value);
    } else {
      body.putArray(name).add(earlier).add(value);
    }
  }

  /** The decoded bytes of a base64 value: standard or URL-safe alphabet, padding optional. */
  private Route base64(String value) {
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(value.replace('-', '+').replace('_', '/'));
    } catch (IllegalArgumentException e) {
      return badRequest("not base64: '" + value + "'");
    }
    return complete(HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, decoded)));
  }

  /** The fixed document of {@code /json}: a small conference programme. */
  private static ByteString jsonSample() {
    ObjectNode programme = MAPPER.createObjectNode();
    ObjectNode conference = programme.putObject("conference");
    conference.put("title", "Streams on the Harbour").put("city", "Lisbon").put("year", 2025);
    ArrayNode talks = conference.putArray("talks");
    talks.addObject().put("title", "Backpressure from first principles").put("speaker", "Ada Moreno")
        .put("minutes", 40).putArray("tags").add("streams").add("flow-control");
    talks.addObject().put("title", "Timers you can trust").put("speaker", "Kenji Sato")
        .put("minutes", 25).putArray("tags").add("scheduling");
    talks.addObject().put("title", "Lunch").put("minutes", 60).putNull("speaker").putArray("tags");
    conference.put("sold_out", false);
    return serialize(programme);
  }

  private AtomicInteger counter(String key) {
    return faultCounters.computeIfAbsent(key, k -> new AtomicInteger());
  }

  /**
   * Whether {@code error} is one of the faults the routes cause on purpose (the server logs
   * those at debug: they are what a test asked for).
   */
  static boolean isIntended(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof IntendedFault) {
        return true;
      }
    }
    return false;
  }

  /** A failure a fault route causes on purpose; it carries no stack trace, having no bug to locate. */
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
