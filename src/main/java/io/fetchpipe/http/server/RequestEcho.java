package io.fetchpipe.http.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.Multipart;
import org.apache.pekko.http.javadsl.model.headers.Host;
import org.apache.pekko.http.javadsl.model.headers.RawRequestURI;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.util.ByteString;

/**
 * A request as httpbin describes it in its answers: {@code url} (as the client sent it), {@code
 * args} (the query), {@code form} and {@code files} (a form body), {@code data} (the body as text,
 * or a {@code data:} URL of its base64 when it is not UTF-8; empty for a form), {@code json} (the
 * body parsed, or null), {@code origin} (the client's address), {@code headers} (names capitalised
 * as httpbin's server shows them, repeated ones joined with a comma) and {@code method}. A name
 * given more than once maps to an array of its values.
 *
 * @param request the request, its entity not read
 * @param body its body, read whole
 * @param form the parts of a form body, when it is one
 * @param clientAddress the client's address, or null when unknown
 */
record RequestEcho(
    HttpRequest request,
    ByteString body,
    Multipart.FormData.Strict form,
    InetAddress clientAddress) {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  // Headers a proxy in front of httpbin adds; httpbin leaves them out of what it shows.
  private static final Set<String> PROXY_HEADERS =
      Set.of(
          "x-varnish",
          "x-request-start",
          "x-heroku-queue-depth",
          "x-real-ip",
          "x-forwarded-proto",
          "x-forwarded-protocol",
          "x-forwarded-ssl",
          "x-heroku-queue-wait-time",
          "x-forwarded-for",
          "x-heroku-dynos-in-use",
          "x-forwarded-port",
          "x-request-id",
          "via",
          "total-route-time",
          "connect-time");

  /** The keys of httpbin's request descriptions. */
  enum Key {
    URL,
    ARGS,
    FORM,
    DATA,
    ORIGIN,
    HEADERS,
    FILES,
    JSON,
    METHOD
  }

  /** The description of the request under the given keys, in their order. */
  ObjectNode describe(Key... keys) {
    ObjectNode echo = MAPPER.createObjectNode();
    for (Key key : keys) {
      echo.set(key.name().toLowerCase(Locale.ROOT), value(key));
    }
    return echo;
  }

  private JsonNode value(Key key) {
    return switch (key) {
      case URL -> MAPPER.getNodeFactory().textNode(url());
      case ARGS -> grouped(request.getUri().query().toList());
      case FORM -> grouped(formFields());
      case DATA ->
          MAPPER
              .getNodeFactory()
              .textNode(isForm() ? "" : jsonSafe(body, "application/octet-stream"));
      case ORIGIN -> MAPPER.getNodeFactory().textNode(origin());
      case HEADERS -> headers();
      case FILES -> files();
      case JSON -> parsedJson();
      case METHOD -> MAPPER.getNodeFactory().textNode(request.method().value());
    };
  }

  /**
   * The request target as the client sent it (the server adds it as the synthetic Raw-Request-URI
   * header; see {@link TestServer}), made absolute with the Host header as sent.
   */
  String url() {
    var raw = request.getHeader(RawRequestURI.class);
    var host = request.getHeader(Host.class);
    if (raw.isEmpty() || host.isEmpty()) {
      return request.getUri().toString();
    }
    String target = raw.get().value();
    return target.startsWith("/")
        ? request.getUri().getScheme() + "://" + host.get().value() + target
        : target;
  }

  private String origin() {
    return request
        .getHeader("X-Forwarded-For")
        .map(HttpHeader::value)
        .orElse(clientAddress == null ? "" : clientAddress.getHostAddress());
  }

  /**
   * The request's headers as httpbin's server shows them: names capitalised word by word, repeated
   * ones joined with a comma. Pekko HTTP keeps the framing headers in the entity, so Content-Type
   * and Content-Length or Transfer-Encoding are restated from it; the headers it adds itself
   * (Timeout-Access, Raw-Request-URI) are left out.
   */
  ObjectNode headers() {
    Map<String, String> joined = new LinkedHashMap<>();
    for (HttpHeader header : request.getHeaders()) {
      String lower = header.lowercaseName();
      if (header.renderInRequests() && !PROXY_HEADERS.contains(lower)) {
        joined.merge(capitalised(lower), header.value(), (first, next) -> first + "," + next);
      }
    }
    HttpEntity entity = request.entity();
    ContentType type = entity.getContentType();
    // Without a Content-Type header Pekko HTTP assumes application/octet-stream: left out for an
    // empty body, where the assumption is all there is.
    boolean assumed = type.equals(ContentTypes.APPLICATION_OCTET_STREAM) && entity.isKnownEmpty();
    if (!assumed && !type.equals(ContentTypes.NO_CONTENT_TYPE)) {
      joined.put("Content-Type", asSent(type));
    }
    if (entity.isChunked()) {
      joined.put("Transfer-Encoding", "chunked");
    } else if (!entity.isKnownEmpty()) {
      entity
          .getContentLengthOption()
          .ifPresent(length -> joined.put("Content-Length", Long.toString(length)));
    }
    ObjectNode headers = MAPPER.createObjectNode();
    joined.forEach(headers::put);
    return headers;
  }

  /** A content type as clients usually send it: Pekko HTTP writes the charset in capitals. */
  private static String asSent(ContentType type) {
    String written = type.toString();
    return type.getCharsetOption()
        .map(
            charset ->
                written.replace(
                    "charset=" + charset.value(),
                    "charset=" + charset.value().toLowerCase(Locale.ROOT)))
        .orElse(written);
  }

  /**
   * {@code x-custom-thing} as {@code X-Custom-Thing}: each letter after a non-letter upper case.
   */
  static String capitalised(String lowercaseName) {
    StringBuilder name = new StringBuilder(lowercaseName.length());
    boolean wordStart = true;
    for (char c : lowercaseName.toCharArray()) {
      name.append(wordStart ? Character.toUpperCase(c) : c);
      wordStart = !Character.isLetter(c);
    }
    return name.toString();
  }

  private boolean isForm() {
    return isUrlEncoded(request.entity().getContentType()) || form != null;
  }

  private static boolean isUrlEncoded(ContentType type) {
    return type.mediaType().equals(MediaTypes.APPLICATION_X_WWW_FORM_URLENCODED);
  }

  /** Whether a body of this type is a multipart form. */
  static boolean isMultipartForm(ContentType type) {
    return type.mediaType().isMultipart() && type.mediaType().subType().equals("form-data");
  }

  /**
   * The fields of a form body: url-encoded, or the parts of a multipart form without a file name.
   */
  private List<Pair<String, String>> formFields() {
    List<Pair<String, String>> fields = new ArrayList<>();
    if (form != null) {
      for (Multipart.FormData.BodyPart.Strict part : form.getStrictParts()) {
        if (part.getFilename().isEmpty()) {
          fields.add(Pair.create(part.getName(), part.getEntity().getData().utf8String()));
        }
      }
    } else if (isUrlEncoded(request.entity().getContentType())) {
      for (String field : body.utf8String().split("&")) {
        if (!field.isEmpty()) {
          int equals = field.indexOf('=');
          fields.add(
              Pair.create(
                  decode(equals < 0 ? field : field.substring(0, equals)),
                  equals < 0 ? "" : decode(field.substring(equals + 1))));
        }
      }
    }
    return fields;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      return text;
    }
  }

  private ObjectNode files() {
    List<Pair<String, String>> files = new ArrayList<>();
    if (form != null) {
      for (Multipart.FormData.BodyPart.Strict part : form.getStrictParts()) {
        if (part.getFilename().isPresent()) {
          ContentType type = part.getEntity().getContentType();
          files.add(
              Pair.create(
                  part.getName(),
                  jsonSafe(
                      part.getEntity().getData(),
                      type.equals(ContentTypes.NO_CONTENT_TYPE)
                          ? "application/octet-stream"
                          : type.mediaType().toString())));
        }
      }
    }
    return grouped(files);
  }

  private JsonNode parsedJson() {
    if (body.isEmpty()) {
      return NullNode.getInstance();
    }
    try {
      JsonNode parsed = MAPPER.readTree(body.toArray());
      return parsed == null ? NullNode.getInstance() : parsed;
    } catch (IOException notJson) {
      return NullNode.getInstance();
    }
  }

  /** Names with their values: one value as a string, several as an array, in order. */
  private static ObjectNode grouped(List<Pair<String, String>> pairs) {
    ObjectNode grouped = MAPPER.createObjectNode();
    for (Pair<String, String> pair : pairs) {
      JsonNode earlier = grouped.get(pair.first());
      if (earlier == null) {
        grouped.put(pair.first(), pair.second());
      } else if (earlier instanceof ArrayNode values) {
        values.add(pair.second());
      } else {
        grouped.putArray(pair.first()).add(earlier).add(pair.second());
      }
    }
    return grouped;
  }

  /** The bytes as text when they are UTF-8, else as a {@code data:} URL of their base64. */
  static String jsonSafe(ByteString bytes, String contentType) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toArray()))
          .toString();
    } catch (CharacterCodingException notText) {
      return "data:"
          + contentType
          + ";base64,"
          + Base64.getEncoder().encodeToString(bytes.toArray());
    }
  }
}
