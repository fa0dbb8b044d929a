package io.fetchpipe.http.server;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractClientIP;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.parameterList;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fetchpipe.http.server.RequestEcho.Key;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.coding.Coder;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * httpbin's routes that answer with content: bytes, streams, drips and ranges, compressed bodies,
 * documents (JSON, HTML, XML, texts, images), links pages, base64 decoding and response headers of
 * the client's choosing, each with httpbin's status, content type, headers and shape of body.
 * Answers GET (and HEAD).
 */
final class HttpbinContentRoutes {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private static final int CHUNK = 8192;
  // /bytes answers bytes that look random, as httpbin's (which are), the same ones every time.
  private static final ByteString NOISE = noise(CHUNK);
  private static final ByteString STAR = ByteString.fromString("*");
  // httpbin's own limits: 100 lines of /stream, 100 KiB of /range, 10 MiB of /drip, 200 links.
  private static final int MAX_STREAM_LINES = 100;
  private static final int MAX_RANGE = 100 * 1024;
  private static final int MAX_DRIP = 10 * 1024 * 1024;
  private static final int MAX_LINKS = 200;
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
  private static final ByteString SLIDESHOW = slideshow();
  // RFC 9110's token: the characters a header name may have.
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  // Header values may hold visible characters, spaces and tabs, nothing that could end the line.
  private static final Pattern HEADER_VALUE = Pattern.compile("[^\\x00-\\x08\\x0a-\\x1f\\x7f]*");

  private final ServerSettings settings;

  HttpbinContentRoutes(ServerSettings settings) {
    this.settings = settings;
  }

  /** The routes, each for GET and HEAD. */
  Route route() {
    return concat(
        pathPrefix("bytes", () -> path(segment(), count -> read(() -> bytes(count)))),
        pathPrefix("stream", () -> path(segment(), count -> read(() -> stream(count)))),
        path("drip", () -> read(() -> parameterList(this::drip))),
        pathPrefix("range", () -> path(segment(), count -> read(() -> range(count)))),
        path("gzip", () -> read(() -> encoded(Coder.Gzip, "gzipped"))),
        path("deflate", () -> read(() -> encoded(Coder.Deflate, "deflated"))),
        path("json", () -> read(() -> complete(json(SLIDESHOW)))),
        path(
            "html",
            () -> read(() -> complete(text(ContentTypes.TEXT_HTML_UTF8, HttpbinPages.HTML)))),
        path("xml", () -> read(() -> complete(text(type("application/xml"), HttpbinPages.XML)))),
        path(
            "robots.txt",
            () -> read(() -> complete(text(type("text/plain"), HttpbinPages.ROBOTS)))),
        path("deny", () -> read(() -> complete(text(type("text/plain"), HttpbinPages.DENIED)))),
        path(
            segment("encoding").slash("utf8"),
            () -> read(() -> complete(text(ContentTypes.TEXT_HTML_UTF8, TestServer.UTF8_SAMPLE)))),
        pathPrefix("base64", () -> path(segment(), value -> read(() -> base64(value)))),
        pathPrefix(
            "links",
            () ->
                concat(
                    path(segment().slash(segment()), (n, offset) -> read(() -> links(n, offset))),
                    path(
                        segment(),
                        n ->
                            read(
                                () ->
                                    complete(HttpbinRoutes.redirectPage("/links/" + n + "/0")))))),
        pathPrefix(
            "image",
            () ->
                concat(
                    path("png", () -> read(() -> complete(image("image/png", HttpbinPages.png())))),
                    path(
                        "jpeg",
                        () -> read(() -> complete(image("image/jpeg", HttpbinPages.jpeg())))),
                    path(
                        "svg",
                        () ->
                            read(
                                () ->
                                    complete(
                                        image(
                                            "image/svg+xml",
                                            ByteString.fromString(HttpbinPages.SVG))))))),
        path(
            "response-headers",
            () ->
                concat(
                    read(() -> parameterList(this::responseHeaders)),
                    Directives.post(() -> parameterList(this::responseHeaders)))));
  }

  private static Route read(Supplier<Route> inner) {
    return TestRoutes.read(inner);
  }

  // --- helpers shared by the httpbin routes ---

  static HttpResponse json(ObjectNode body) {
    return json(serialize(body));
  }

  static HttpResponse json(ByteString body) {
    return HttpResponse.create()
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
  }

  /** JSON text ending with a line feed, as httpbin writes it. */
  static ByteString serialize(JsonNode body) {
    try {
      return ByteString.fromArrayUnsafe(MAPPER.writeValueAsBytes(body))
          .concat(ByteString.fromString("\n"));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of plain nodes always serialises", e);
    }
  }

  private static HttpResponse text(ContentType type, String body) {
    return HttpResponse.create().withEntity(HttpEntities.create(type, ByteString.fromString(body)));
  }

  private static HttpResponse image(String type, ByteString bytes) {
    return HttpResponse.create().withEntity(HttpEntities.create(type(type), bytes));
  }

  /** A content type exactly as written, without a charset unless it names one. */
  private static ContentType type(String value) {
    return ContentTypes.parse(value);
  }

  // --- bytes, streams, drips, ranges ---

  /** n bytes that look random, streamed in chunks with a declared length: never n bytes at once. */
  private Route bytes(String count) {
    long n = TestRoutes.parseLongOr(count, -1);
    if (n < 0 || n > settings.maxBytes()) {
      return TestRoutes.badRequest(
          "bytes must be between 0 and " + settings.maxBytes() + ", got '" + count + "'");
    }
    return complete(
        HttpResponse.create()
            .withEntity(
                HttpEntities.create(
                    ContentTypes.APPLICATION_OCTET_STREAM, n, TestRoutes.repeated(n, NOISE))));
  }

  /** n JSON lines (at most 100), each the request described with its line number as {@code id}. */
  private Route stream(String count) {
    int n = TestRoutes.parseIntOr(count, -1);
    if (n < 0) {
      return TestRoutes.badRequest("lines must be a whole number, got '" + count + "'");
    }
    return extractClientIP(
        client ->
            extractRequest(
                request -> {
                  ObjectNode line =
                      new RequestEcho(
                              request,
                              ByteString.emptyByteString(),
                              null,
                              client.getAddress().orElse(null))
                          .describe(Key.URL, Key.ARGS, Key.HEADERS, Key.ORIGIN);
                  Source<ByteString, ?> lines =
                      Source.range(0, Math.min(n, MAX_STREAM_LINES) - 1)
                          .map(id -> serialize(line.deepCopy().put("id", id)));
                  return complete(
                      HttpResponse.create()
                          .withEntity(
                              HttpEntities.createChunked(ContentTypes.APPLICATION_JSON, lines)));
                }));
  }

  /**
   * {@code numbytes} stars (10), spread evenly over {@code duration} seconds (2), after {@code
   * delay} seconds (0), with status {@code code} (200). The waits run on the actor system's
   * scheduler, so they follow virtual time.
   */
  private Route drip(List<Map.Entry<String, String>> parameters) {
    double duration = number(parameters, "duration", 2);
    double delay = number(parameters, "delay", 0);
    long numbytes = Math.min((long) number(parameters, "numbytes", 10), MAX_DRIP);
    int code = (int) number(parameters, "code", 200);
    if (numbytes <= 0) {
      return complete(
          HttpResponse.create()
              .withStatus(StatusCodes.BAD_REQUEST)
              .withEntity(ContentTypes.TEXT_HTML_UTF8, "number of bytes must be positive"));
    }
    long maxSeconds = settings.maxDelay().toSeconds();
    if (!(duration >= 0)
        || !(delay >= 0)
        || duration > maxSeconds
        || delay > maxSeconds
        || code < HttpbinStatuses.LOWEST
        || code > HttpbinStatuses.HIGHEST) {
      return TestRoutes.badRequest(
          "duration and delay must be between 0 and "
              + maxSeconds
              + " seconds, code between 200 and 599");
    }
    Source<ByteString, ?> stars = Source.repeat(STAR).take(numbytes);
    if (duration > 0) {
      stars = stars.throttle(1, Duration.ofNanos((long) (duration * 1e9 / numbytes)));
    }
    if (delay > 0) {
      stars = stars.initialDelay(Duration.ofNanos((long) (delay * 1e9)));
    }
    return complete(
        HttpResponse.create()
            .withStatus(code)
            .withEntity(
                HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, numbytes, stars)));
  }

  private static double number(
      List<Map.Entry<String, String>> parameters, String name, double fallback) {
    for (Map.Entry<String, String> parameter : parameters) {
      if (parameter.getKey().equalsIgnoreCase(name)) {
        try {
          return Double.parseDouble(parameter.getValue());
        } catch (NumberFormatException e) {
          return Double.NaN;
        }
      }
    }
    return fallback;
  }

  /**
   * A resource of n bytes (at most 100 KiB), {@code abc...z} repeated, answering one byte range of
   * a Range header with 206 and an unsatisfiable one with 416.
   */
  private Route range(String count) {
    int n = TestRoutes.parseIntOr(count, -1);
    List<HttpHeader> headers =
        List.of(
            RawHeader.create("ETag", "range" + Math.max(n, 0)),
            RawHeader.create("Accept-Ranges", "bytes"));
    if (n <= 0 || n > MAX_RANGE) {
      return complete(
          HttpResponse.create()
              .withStatus(StatusCodes.NOT_FOUND)
              .withHeaders(headers)
              .withEntity(
                  ContentTypes.TEXT_HTML_UTF8,
                  "number of bytes must be in the range (0, " + MAX_RANGE + "]"));
    }
    return extractRequest(
        request -> {
          long[] span = span(request.getHeader("Range").map(HttpHeader::value), n);
          List<HttpHeader> answered = new ArrayList<>(headers);
          if (span == null) {
            answered.add(RawHeader.create("Content-Range", "bytes */" + n));
            return complete(
                HttpResponse.create()
                    .withStatus(StatusCodes.RANGE_NOT_SATISFIABLE)
                    .withHeaders(answered));
          }
          byte[] bytes = new byte[(int) (span[1] - span[0] + 1)];
          for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) ('a' + (span[0] + i) % 26);
          }
          answered.add(
              RawHeader.create("Content-Range", "bytes " + span[0] + "-" + span[1] + "/" + n));
          boolean whole = span[0] == 0 && span[1] == n - 1;
          return complete(
              HttpResponse.create()
                  .withStatus(whole ? StatusCodes.OK : StatusCodes.PARTIAL_CONTENT)
                  .withHeaders(answered)
                  .withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, bytes)));
        });
  }

  /**
   * The first and last byte a Range header asks for of n bytes (all of them without one), or null.
   */
  private static long[] span(Optional<String> header, long n) {
    if (header.isEmpty()) {
      return new long[] {0, n - 1};
    }
    Matcher range = RANGE.matcher(header.get().strip());
    if (!range.matches() || range.group(1).isEmpty() && range.group(2).isEmpty()) {
      return null;
    }
    long first;
    long last;
    if (range.group(1).isEmpty()) { // the last k bytes
      first = n - Math.min(n, Long.parseLong(range.group(2)));
      last = n - 1;
    } else {
      first = Long.parseLong(range.group(1));
      last = range.group(2).isEmpty() ? n - 1 : Math.min(Long.parseLong(range.group(2)), n - 1);
    }
    return first <= last && first < n ? new long[] {first, last} : null;
  }

  // --- documents ---

  /** The request's headers, method and origin as JSON, always sent with that encoding. */
  private static Route encoded(Coder coder, String flag) {
    return extractClientIP(
        client ->
            extractRequest(
                request -> {
                  ObjectNode body =
                      new RequestEcho(
                              request,
                              ByteString.emptyByteString(),
                              null,
                              client.getAddress().orElse(null))
                          .describe(Key.ORIGIN, Key.HEADERS, Key.METHOD)
                          .put(flag, true);
                  return complete(coder.encodeMessage(json(body)));
                }));
  }

  /** The decoded bytes of a base64 value (URL-safe or standard alphabet, padding optional). */
  private Route base64(String value) {
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(value.replace('-', '+').replace('_', '/'));
    } catch (IllegalArgumentException e) {
      return TestRoutes.badRequest("not base64: '" + value + "'");
    }
    // Text as httpbin answers it; bytes that are no UTF-8 (on which httpbin fails) as bytes.
    ContentType type =
        isUtf8(decoded) ? ContentTypes.TEXT_HTML_UTF8 : ContentTypes.APPLICATION_OCTET_STREAM;
    return complete(HttpResponse.create().withEntity(HttpEntities.create(type, decoded)));
  }

  private static boolean isUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private Route links(String count, String current) {
    int n = TestRoutes.parseIntOr(count, -1);
    int offset = TestRoutes.parseIntOr(current, -1);
    if (n < 0 || offset < 0) {
      return TestRoutes.badRequest(
          "links need two whole numbers, got '" + count + "/" + current + "'");
    }
    return complete(
        text(
            ContentTypes.TEXT_HTML_UTF8,
            HttpbinPages.links(Math.min(Math.max(1, n), MAX_LINKS), offset)));
  }

  /**
   * Each query parameter becomes a response header, in order (a repeated name gives repeated
   * headers); Content-Type sets the entity's type. The body is the response's headers as a JSON
   * object, its own Content-Type and Content-Length included, as httpbin answers; a repeated name's
   * values as an array.
   */
  private Route responseHeaders(List<Map.Entry<String, String>> parameters) {
    List<HttpHeader> headers = new ArrayList<>();
    ContentType type = ContentTypes.APPLICATION_JSON;
    ObjectNode named = MAPPER.createObjectNode();
    for (Map.Entry<String, String> parameter : parameters) {
      String name = parameter.getKey();
      String value = parameter.getValue();
      if (!HEADER_NAME.matcher(name).matches() || !HEADER_VALUE.matcher(value).matches()) {
        return TestRoutes.badRequest("not a valid header: '" + name + "'");
      }
      if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")) {
        return TestRoutes.badRequest(name + " frames the body and is the server's to set");
      }
      if (name.equalsIgnoreCase("Content-Type")) {
        try {
          type = ContentTypes.parse(value);
        } catch (IllegalArgumentException e) {
          return TestRoutes.badRequest("not a valid Content-Type: '" + value + "'");
        }
      } else {
        // Parsed, so that headers Pekko HTTP models (Server, Date, Cache-Control...) replace its
        // own instead of being dropped as raw duplicates.
        headers.add(HttpHeader.parse(name, value));
        add(named, name, value);
      }
    }
    ByteString body = describedWithLength(named, type);
    return complete(
        HttpResponse.create().withHeaders(headers).withEntity(HttpEntities.create(type, body)));
  }

  /**
   * The headers with the response's own Content-Type and Content-Length, whose value counts itself.
   */
  private static ByteString describedWithLength(ObjectNode named, ContentType type) {
    ObjectNode described =
        MAPPER.createObjectNode().put("Content-Type", type.toString().toLowerCase(Locale.ROOT));
    described.setAll(named);
    ByteString body = ByteString.emptyByteString();
    // A length's digits change the length at most twice before it stands still.
    for (int i = 0; i < 4; i++) {
      described.put("Content-Length", Integer.toString(body.size()));
      ByteString next = serialize(described);
      if (next.size() == body.size()) {
        return next;
      }
      body = next;
    }
    return body;
  }

  private static void add(ObjectNode body, String name, String value) {
    JsonNode earlier = body.get(name);
    if (earlier == null) {
      body.put(name, value);
    } else if (earlier instanceof ArrayNode values) {
      values.add(value);
    } else {
      body.putArray(name).add(earlier).add(value);
    }
  }

  /** {@code size} bytes of a fixed pseudo-random sequence. */
  private static ByteString noise(int size) {
    byte[] bytes = new byte[size];
    new SplittableRandom(25).nextBytes(bytes);
    return ByteString.fromArrayUnsafe(bytes);
  }

  /** The document of {@code /json}: a small slide show, in the shape httpbin's has. */
  private static ByteString slideshow() {
    ObjectNode document = MAPPER.createObjectNode();
    ObjectNode slideshow = document.putObject("slideshow");
    slideshow
        .put("author", "The Harbour Office")
        .put("date", "date of publication")
        .put("title", "Ferry Timetables");
    ArrayNode slides = slideshow.putArray("slides");
    slides.addObject().put("title", "Welcome aboard").put("type", "all");
    slides
        .addObject()
        .put("title", "Crossings")
        .put("type", "all")
        .putArray("items")
        .add("Why the <em>Morning Star</em> leaves early")
        .add("Who <em>rides</em> the last ferry");
    return serialize(document);
  }
}
