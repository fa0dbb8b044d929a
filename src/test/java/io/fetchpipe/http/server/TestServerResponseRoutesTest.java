package io.fetchpipe.http.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fetchpipe.testing.HttpbinEcho;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.coding.Coder;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The embedded server's httpbin-compatible routes in detail, checked with Pekko HTTP's own client.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestServerResponseRoutesTest {
  private static final long WAIT_SECONDS = 10;
  // Jackson reads strings of up to 20 MB by default; /anything's base64 of a 16 MiB body is longer.
  private static final ObjectMapper MAPPER =
      new ObjectMapper(
          JsonFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder().maxStringLength(64 * 1024 * 1024).build())
              .build());
  // Largest answer read: /anything echoes a body of up to 16 MiB twice (as text and as base64).
  private static final long MAX_ANSWER = 64L * 1024 * 1024;

  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private TestServer server;

  @BeforeAll
  void start() throws Exception {
    server =
        TestServer.start(testKit.system())
            .toCompletableFuture()
            .get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() throws Exception {
    server.stop(Duration.ofSeconds(1)).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /** A response whose entity has been read whole. */
  private record Answer(HttpResponse response, ByteString body) {
    int status() {
      return response.status().intValue();
    }

    List<String> headers(String name) {
      return StreamSupport.stream(response.getHeaders().spliterator(), false)
          .filter(header -> header.is(name.toLowerCase(Locale.ROOT)))
          .map(HttpHeader::value)
          .toList();
    }

    String header(String name) {
      List<String> values = headers(name);
      assertEquals(1, values.size(), name + " once: " + values);
      return values.get(0);
    }

    String contentType() {
      return response.entity().getContentType().toString();
    }

    String text(Charset charset) {
      return body.decodeString(charset);
    }

    JsonNode json() throws Exception {
      return MAPPER.readTree(body.toArray());
    }
  }

  private Answer send(HttpRequest request) throws Exception {
    HttpResponse response =
        Http.get(testKit.system())
            .singleRequest(request)
            .toCompletableFuture()
            .get(WAIT_SECONDS, TimeUnit.SECONDS);
    ByteString body =
        response
            .entity()
            .toStrict(TimeUnit.SECONDS.toMillis(WAIT_SECONDS), MAX_ANSWER, testKit.system())
            .toCompletableFuture()
            .get(WAIT_SECONDS, TimeUnit.SECONDS)
            .getData();
    return new Answer(response, body);
  }

  private Answer get(String path) throws Exception {
    return send(HttpRequest.GET(server.address() + path));
  }

  private ByteString decode(Coder coder, ByteString encoded) throws Exception {
    return coder
        .decode(encoded, Materializer.matFromSystem(testKit.system()))
        .toCompletableFuture()
        .get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @Test
  void anythingEchoesAPostBodyByteExactlyWithMethodUrlAndHeaders() throws Exception {
    byte[] binary = new byte[256];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) i;
    }
    String url = server.address() + "/anything/deep/path?q=1&q=two";
    Answer answer =
        send(
            HttpRequest.POST(url)
                .withHeaders(
                    List.of(
                        RawHeader.create("X-Repeated", "one"),
                        RawHeader.create("X-Single", "value"),
                        RawHeader.create("x-repeated", "two")))
                .withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, binary)));

    assertEquals(200, answer.status());
    assertEquals("application/json", answer.contentType());
    JsonNode echo = answer.json();
    assertEquals("POST", echo.get("method").asText());
    assertEquals(url, echo.get("url").asText());
    JsonNode headers = echo.get("headers");
    assertEquals("one,two", headers.get("X-Repeated").asText());
    assertEquals("value", headers.get("X-Single").asText());
    assertEquals("application/octet-stream", headers.get("Content-Type").asText());
    assertEquals("256", headers.get("Content-Length").asText());
    assertArrayEquals(binary, HttpbinEcho.data(echo));
    assertTrue(
        echo.get("data").asText().startsWith("data:application/octet-stream;base64,"),
        "not UTF-8: a data URL");
  }

  @Test
  void anythingDecodesATextBodyAsUtf8() throws Exception {
    String text = "héllo, wörld ☃ 🚀";
    Answer answer =
        send(
            HttpRequest.PUT(server.address() + "/anything")
                .withEntity(
                    HttpEntities.create(ContentTypes.APPLICATION_JSON, "\"" + text + "\"")));

    JsonNode echo = answer.json();
    assertEquals("PUT", echo.get("method").asText());
    assertEquals("\"" + text + "\"", echo.get("data").asText());
    assertEquals(text, echo.get("json").asText(), "a JSON body, parsed");
    assertEquals("application/json", echo.get("headers").get("Content-Type").asText());
  }

  @Test
  void anythingReadsABodyUpToTheConfiguredLimitAndRefusesALongerOne() throws Exception {
    long limit = ServerSettings.create(testKit.system()).maxRequestBody();
    byte[] atTheLimit = new byte[Math.toIntExact(limit)];
    Arrays.fill(atTheLimit, (byte) 'a');
    Answer accepted =
        send(
            HttpRequest.POST(server.address() + "/anything")
                .withEntity(
                    HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, atTheLimit)));
    assertEquals(200, accepted.status());
    assertEquals(
        Long.toString(limit), accepted.json().get("headers").get("Content-Length").asText());

    // Refused on the declared length, before any of the body is read; a plain socket, because
    // Pekko HTTP's client fails on the write it is still doing instead of reading such an answer.
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
      String head =
          "POST /anything HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
              + (limit + 1)
              + "\r\n\r\n";
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      String statusLine =
          new BufferedReader(
                  new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();
      assertTrue(statusLine.startsWith("HTTP/1.1 413 "), statusLine);
    }
  }

  @Test
  void anythingAnswersEveryMethodAndSaysWhichItWas() throws Exception {
    for (var method :
        List.of(HttpMethods.GET, HttpMethods.PATCH, HttpMethods.DELETE, HttpMethods.OPTIONS)) {
      Answer answer = send(HttpRequest.create(server.address() + "/anything/x").withMethod(method));
      assertEquals(200, answer.status(), method.value());
      JsonNode echo = answer.json();
      assertEquals(method.value(), echo.get("method").asText());
      assertEquals("", echo.get("data").asText());
      assertTrue(echo.get("json").isNull());
      assertFalse(
          echo.get("headers").has("Content-Type"), "no body, no type: " + echo.get("headers"));
    }
    Answer head =
        send(HttpRequest.create(server.address() + "/anything").withMethod(HttpMethods.HEAD));
    assertEquals(200, head.status());
    assertEquals(0, head.body().size());
  }

  @Test
  void anythingMatchesWholeSegmentsAndOtherRoutesStayGetOnly() throws Exception {
    assertEquals(404, get("/anythingelse").status());
    assertEquals(200, get("/anything/").status());
    assertEquals(405, send(HttpRequest.POST(server.address() + "/get")).status());
    assertEquals(405, send(HttpRequest.POST(server.address() + "/gzip")).status());
  }

  @Test
  void gzipAndDeflateAreEncodedWhateverTheClientAccepts() throws Exception {
    Answer gzip =
        send(
            HttpRequest.GET(server.address() + "/gzip")
                .addHeader(RawHeader.create("Accept-Encoding", "identity")));
    assertEquals(200, gzip.status());
    assertEquals("gzip", gzip.header("Content-Encoding"));
    assertEquals("application/json", gzip.contentType());
    JsonNode gzipped = MAPPER.readTree(decode(Coder.Gzip, gzip.body()).toArray());
    assertTrue(gzipped.get("gzipped").asBoolean());
    assertEquals("GET", gzipped.get("method").asText());

    Answer deflate = get("/deflate");
    assertEquals("deflate", deflate.header("Content-Encoding"));
    assertTrue(
        MAPPER
            .readTree(decode(Coder.Deflate, deflate.body()).toArray())
            .get("deflated")
            .asBoolean());
  }

  @Test
  void gzipBytesIsASmallBodyThatDecodesToMegabytesOfZeros() throws Exception {
    Answer bomb = get("/gzip-bytes/1048576");
    assertEquals(200, bomb.status());
    assertEquals("gzip", bomb.header("Content-Encoding"));
    assertTrue(bomb.body().size() < 10_000, "compressed size " + bomb.body().size());

    byte[] decoded = decode(Coder.Gzip, bomb.body()).toArray();
    assertEquals(1_048_576, decoded.length);
    assertArrayEquals(new byte[1_048_576], decoded, "all zeros");

    assertEquals(0, decode(Coder.Gzip, get("/gzip-bytes/0").body()).size());
    assertEquals(400, get("/gzip-bytes/-1").status());
    assertEquals(
        400, get("/gzip-bytes/2147483648").status(), "capped by fetchpipe.server.max-bytes");
  }

  @Test
  void jsonIsAFixedDocument() throws Exception {
    Answer answer = get("/json");
    assertEquals("application/json", answer.contentType());
    JsonNode document = answer.json();
    assertTrue(document.get("slideshow").get("slides").isArray(), "httpbin's shape: a slide show");
    assertEquals(document, get("/json").json());
  }

  @Test
  void encodingUtf8IsLabelledUtf8TextWithNonAsciiCharacters() throws Exception {
    Answer answer = get("/encoding/utf8");
    assertEquals("text/html; charset=UTF-8", answer.contentType(), "as httpbin labels it");
    assertEquals(TestServer.UTF8_SAMPLE, answer.text(StandardCharsets.UTF_8));
    assertTrue(
        TestServer.UTF8_SAMPLE.codePoints().anyMatch(c -> c > 0xFFFF), "an emoji beyond the BMP");
    assertTrue(
        TestServer.UTF8_SAMPLE.contains("καλημέρα") && TestServer.UTF8_SAMPLE.contains("東京"));
  }

  @Test
  void charsetEncodesTheSampleInTheNamedCharset() throws Exception {
    Answer latin1 = get("/charset/iso-8859-1");
    assertEquals(200, latin1.status());
    assertEquals("text/plain; charset=iso-8859-1", latin1.contentType().toLowerCase(Locale.ROOT));
    assertArrayEquals(
        TestServer.CHARSET_SAMPLE.getBytes(StandardCharsets.ISO_8859_1), latin1.body().toArray());

    for (String name : List.of("windows-1252", "utf-16", "utf-8", "UTF-16LE")) {
      Answer answer = get("/charset/" + name);
      assertEquals(
          ("text/plain; charset=" + name).toLowerCase(Locale.ROOT),
          answer.contentType().toLowerCase(Locale.ROOT));
      assertArrayEquals(
          TestServer.CHARSET_SAMPLE.getBytes(Charset.forName(name)), answer.body().toArray(), name);
    }
    assertEquals(400, get("/charset/no-such-charset").status());
    assertEquals(400, get("/charset/us-ascii").status(), "cannot hold ü");
  }

  @Test
  void responseHeadersSetsEachParameterAsAHeader() throws Exception {
    Answer answer =
        get(
            "/response-headers?X-One=1&X-Two=a&X-Two=b&Cache-Control=no-store"
                + "&Content-Type=text/plain;%20charset%3Dutf-8");
    assertEquals(200, answer.status());
    assertEquals("1", answer.header("X-One"));
    assertEquals(List.of("a", "b"), answer.headers("X-Two"));
    assertEquals("no-store", answer.header("Cache-Control"));
    assertEquals("text/plain; charset=UTF-8", answer.contentType());

    JsonNode body = answer.json();
    assertEquals("1", body.get("X-One").asText());
    assertEquals(List.of("a", "b"), MAPPER.convertValue(body.get("X-Two"), List.class));
    assertEquals("text/plain; charset=utf-8", body.get("Content-Type").asText());

    assertEquals(400, get("/response-headers?Content-Length=5").status());
    assertEquals(400, get("/response-headers?X-Bad=a%0D%0AX-Injected:%20b").status());
    assertEquals(400, get("/response-headers?Bad%20Name=a").status());
  }

  @Test
  void base64AnswersTheDecodedBytesInEitherAlphabet() throws Exception {
    Answer hello = get("/base64/aGVsbG8gd29ybGQ");
    assertEquals(200, hello.status());
    assertEquals("text/html; charset=UTF-8", hello.contentType(), "text, as httpbin answers it");
    assertEquals("hello world", hello.text(StandardCharsets.US_ASCII));
    assertEquals("hello world", get("/base64/aGVsbG8gd29ybGQ=").text(StandardCharsets.US_ASCII));

    byte[] awkward = {(byte) 0xfb, (byte) 0xff, (byte) 0xbf, 0x00};
    Answer bytes = get("/base64/" + Base64.getUrlEncoder().encodeToString(awkward));
    assertArrayEquals(awkward, bytes.body().toArray());
    assertEquals(
        "application/octet-stream", bytes.contentType(), "bytes that are no text, as bytes");
    String standard =
        Base64.getEncoder().encodeToString(awkward).replace("/", "%2F").replace("+", "%2B");
    assertArrayEquals(awkward, get("/base64/" + standard).body().toArray());

    assertEquals(400, get("/base64/not*base64").status());
  }

  @Test
  void theServerCountsRequestsToTheNewRoutesToo() throws Exception {
    server.resetFaults();
    get("/json");
    get("/gzip");
    send(HttpRequest.POST(server.address() + "/anything").withEntity("x"));
    assertEquals(3, server.stats().requests());
    assertEquals(0, server.stats().inFlight());
  }
}
