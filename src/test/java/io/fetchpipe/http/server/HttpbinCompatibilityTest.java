package io.fetchpipe.http.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test server beside httpbin itself: {@code src/test/resources/httpbin/record.py} sent a fixed
 * set of raw requests to httpbin (Debian's python3-httpbin) and recorded what a client's test looks
 * at in each answer ({@code answers.json}): the status, the content type (of a body that is not
 * empty), some response headers, and the body's shape (its JSON, or its kind of text, image or
 * bytes). This test sends the same bytes to the test server and reads its answers the same way. A
 * route matches when every recorded request of it does.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpbinCompatibilityTest {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final double REQUIRED_SHARE = 0.9;

  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private TestServer server;

  @BeforeAll
  void start() throws Exception {
    server = TestServer.start(testKit.system()).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() throws Exception {
    server.stop(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void httpbinsRoutesAnswerAsHttpbinDoes() throws Exception {
    JsonNode recorded;
    try (InputStream in = getClass().getResourceAsStream("/httpbin/answers.json")) {
      recorded = JSON.readTree(in);
    }
    String address = "127.0.0.1:" + server.port();
    Map<String, List<String>> differencesByRoute = new TreeMap<>();
    for (JsonNode expected : recorded.get("answers")) {
      byte[] request =
          new String(
                  Base64.getDecoder().decode(expected.get("request_base64").asText()),
                  StandardCharsets.ISO_8859_1)
              .replace("{host}", address)
              .getBytes(StandardCharsets.ISO_8859_1);
      JsonNode actual = summary(exchange(request), address, expected.get("vary"));
      List<String> routeDifferences =
          differencesByRoute.computeIfAbsent(
              expected.get("route").asText(), route -> new ArrayList<>());
      for (String field : List.of("status", "content_type", "headers", "body")) {
        if (field.equals("content_type")
            && expected.get("body").get("kind").asText().equals("empty")) {
          continue; // the type of no content says nothing
        }
        if (!expected.get(field).equals(actual.get(field))) {
          routeDifferences.add(
              expected.get("name").asText()
                  + " "
                  + field
                  + ": httpbin "
                  + expected.get(field)
                  + ", here "
                  + actual.get(field));
        }
      }
    }
    long matching = differencesByRoute.values().stream().filter(List::isEmpty).count();
    double share = (double) matching / differencesByRoute.size();
    System.out.printf(
        "httpbin %s: %d of %d routes answer as httpbin does (%.0f %%)%n",
        recorded.get("httpbin").asText(), matching, differencesByRoute.size(), share * 100);
    differencesByRoute.forEach(
        (route, differences) ->
            differences.forEach(d -> System.out.println("  " + route + ": " + d)));
    assertTrue(
        share >= REQUIRED_SHARE,
        matching + " of " + differencesByRoute.size() + " routes match: " + differencesByRoute);
    // All of them do today: a route that stops matching is a regression, whatever the share.
    differencesByRoute.forEach(
        (route, differences) -> assertTrue(differences.isEmpty(), route + ": " + differences));
  }

  /** One answer: status, headers (names lowercase, in order) and body. */
  private record Answer(int status, List<Map.Entry<String, String>> headers, byte[] body) {
    String header(String name) {
      return headers.stream()
          .filter(h -> h.getKey().equals(name))
          .map(Map.Entry::getValue)
          .findFirst()
          .orElse(null);
    }
  }

  private Answer exchange(byte[] request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      socket.shutdownOutput(); // nothing more to send: the server need not wait for it
      byte[] answer =
          socket.getInputStream().readAllBytes(); // every request says Connection: close
      return parse(answer);
    }
  }

  private static Answer parse(byte[] answer) throws IOException {
    String all = new String(answer, StandardCharsets.ISO_8859_1);
    int end = all.indexOf("\r\n\r\n");
    String[] lines = all.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (String line : Arrays.asList(lines).subList(1, lines.length)) {
      int colon = line.indexOf(':');
      headers.add(
          Map.entry(
              line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
              line.substring(colon + 1).strip()));
    }
    byte[] body = Arrays.copyOfRange(answer, end + 4, answer.length);
    Answer parsed = new Answer(status, headers, body);
    String transfer = parsed.header("transfer-encoding");
    return transfer != null && transfer.toLowerCase(Locale.ROOT).contains("chunked")
        ? new Answer(status, headers, dechunk(body))
        : parsed;
  }

  private static byte[] dechunk(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = 0;
    while (at < body.length) {
      int lineEnd = indexOf(body, at);
      int size =
          Integer.parseInt(
              new String(body, at, lineEnd - at, StandardCharsets.US_ASCII).split(";")[0].strip(),
              16);
      if (size == 0) {
        break;
      }
      out.write(body, lineEnd + 2, size);
      at = lineEnd + 2 + size + 2;
    }
    return out.toByteArray();
  }

  private static int indexOf(byte[] bytes, int from) {
    for (int i = from; i < bytes.length - 1; i++) {
      if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
        return i;
      }
    }
    return bytes.length;
  }

  /** What record.py keeps of an answer, made the same way. */
  private static JsonNode summary(Answer answer, String address, JsonNode vary) throws IOException {
    ObjectNode summary = JSON.createObjectNode();
    summary.put("status", answer.status());
    String type = answer.header("content-type");
    summary.set(
        "content_type", type == null ? JSON.nullNode() : TextNode.valueOf(contentType(type)));
    Map<String, String> kept = new LinkedHashMap<>();
    for (Map.Entry<String, String> header : answer.headers()) {
      if (KEPT_HEADERS.contains(header.getKey())) {
        String value =
            vary.toString().contains("\"header:" + header.getKey() + "\"")
                ? "<string>"
                : header.getValue().replace(address, "{host}");
        kept.merge(header.getKey(), value, (first, next) -> first + "\n" + next);
      }
    }
    ObjectNode headers = summary.putObject("headers");
    new TreeMap<>(kept).forEach(headers::put);
    summary.set("body", bodyShape(decoded(answer), address, vary));
    return summary;
  }

  private static final List<String> KEPT_HEADERS =
      List.of(
          "location",
          "www-authenticate",
          "content-encoding",
          "etag",
          "accept-ranges",
          "content-range",
          "set-cookie",
          "cache-control",
          "last-modified",
          "x-more-info",
          "access-control-allow-origin",
          "access-control-allow-credentials");

  private static String contentType(String value) {
    String[] parts = value.split(";");
    List<String> kept = new ArrayList<>();
    kept.add(parts[0].strip().toLowerCase(Locale.ROOT));
    for (int i = 1; i < parts.length; i++) {
      String part = parts[i].strip().toLowerCase(Locale.ROOT);
      if (part.startsWith("charset=")) {
        kept.add(part);
      }
    }
    return String.join("; ", kept);
  }

  private static byte[] decoded(Answer answer) throws IOException {
    String encoding = answer.header("content-encoding");
    if ("gzip".equals(encoding)) {
      return new GZIPInputStream(new ByteArrayInputStream(answer.body())).readAllBytes();
    }
    if ("deflate".equals(encoding)) {
      return new InflaterInputStream(new ByteArrayInputStream(answer.body())).readAllBytes();
    }
    return answer.body();
  }

  private static JsonNode bodyShape(byte[] body, String address, JsonNode vary) {
    ObjectNode shape = JSON.createObjectNode();
    if (body.length == 0) {
      return shape.put("kind", "empty");
    }
    if (body.length >= 4
        && (body[0] & 0xff) == 0x89
        && body[1] == 'P'
        && body[2] == 'N'
        && body[3] == 'G') {
      return shape.put("kind", "png");
    }
    if (body.length >= 2 && (body[0] & 0xff) == 0xff && (body[1] & 0xff) == 0xd8) {
      return shape.put("kind", "jpeg");
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(body))
              .toString();
    } catch (CharacterCodingException notText) {
      return shape.put("kind", "bytes").put("length", body.length);
    }
    if (text.substring(0, Math.min(400, text.length())).contains("<svg")) {
      return shape.put("kind", "svg");
    }
    JsonNode value = json(text);
    if (value != null) {
      JsonNode normalized = normalize(value, address);
      for (JsonNode pointer : vary) {
        if (pointer.asText().startsWith("/")
            && normalized instanceof ObjectNode object
            && object.has(pointer.asText().substring(1))) {
          String key = pointer.asText().substring(1);
          object.put(key, "<" + typeName(object.get(key)) + ">");
        }
      }
      shape.put("kind", "json");
      shape.set("value", normalized);
      return shape;
    }
    List<String> lines = Arrays.stream(text.split("\n")).filter(line -> !line.isEmpty()).toList();
    if (lines.size() > 1 && lines.stream().allMatch(line -> json(line) != null)) {
      shape.put("kind", "json-lines");
      lines.forEach(line -> shape.withArray("values").add(normalize(json(line), address)));
      return shape;
    }
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.contains("<html") || lower.contains("<!doctype html")) {
      return shape.put("kind", "html");
    }
    if (text.stripLeading().startsWith("<?xml")) {
      return shape.put("kind", "xml");
    }
    shape.put("kind", "text");
    if (body.length <= 256 && !vary.toString().contains("\"text\"")) {
      shape.put("text", text.replace(address, "{host}"));
    }
    return shape;
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException notJson) {
      return null;
    }
  }

  private static JsonNode normalize(JsonNode value, String address) {
    if (value.isTextual()) {
      return TextNode.valueOf(value.asText().replace(address, "{host}"));
    }
    if (value.isArray()) {
      var copy = JSON.createArrayNode();
      value.forEach(item -> copy.add(normalize(item, address)));
      return copy;
    }
    if (value.isObject()) {
      ObjectNode copy = JSON.createObjectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        copy.set(field.getKey(), normalize(field.getValue(), address));
      }
      return copy;
    }
    return value;
  }

  private static String typeName(JsonNode value) {
    return switch (value.getNodeType()) {
      case STRING -> "string";
      case NUMBER -> "number";
      case BOOLEAN -> "boolean";
      case ARRAY -> "array";
      case OBJECT -> "object";
      default -> "null";
    };
  }
}
