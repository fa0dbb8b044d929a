package io.fetchpipe.http.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.testing.WithEmbeddedServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@code /chaos/{key}/{size}}: each fault, forced by its chance of 1, as it shows on the wire. */
class TestServerChaosTest extends WithEmbeddedServer {
  private static final String NO_FAULT = "reset=0&unavailable=0&slow=0&cut=0";

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HttpResponse<byte[]> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** What the server sends for {@code path} on a connection of its own, until it ends it. */
  private byte[] raw(String path) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[8192];
      try {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          received.write(buffer, 0, n);
        }
      } catch (IOException reset) {
        // an abort may reach the client as a reset: what came before it is what counts
      }
      return received.toByteArray();
    }
  }

  private static String head(byte[] response) {
    String text = new String(response, StandardCharsets.ISO_8859_1);
    return text.substring(0, text.indexOf("\r\n\r\n"));
  }

  private static int bodyLength(byte[] response) {
    return response.length - head(response).length() - 4;
  }

  @Test
  void withoutAFaultTheBodyIsTheKeysOwnEveryTime() throws Exception {
    HttpResponse<byte[]> first = get("/chaos/7/1000?" + NO_FAULT);
    assertEquals(200, first.statusCode());
    assertArrayEquals(ChaosRoutes.body("7", 1000).toArray(), first.body());
    assertEquals("7 7 7 ", new String(Arrays.copyOf(first.body(), 6), StandardCharsets.UTF_8));
    assertArrayEquals(first.body(), get("/chaos/7/1000?" + NO_FAULT).body());
    assertFalse(
        Arrays.equals(first.body(), get("/chaos/8/1000?" + NO_FAULT).body()),
        "another key, another body");
  }

  @Test
  void aSlowBodyArrivesWholeEvenWhenEmpty() throws Exception {
    HttpResponse<byte[]> slow =
        get("/chaos/slow/5000?reset=0&unavailable=0&cut=0&slow=1&slow-ms=80");
    assertEquals(200, slow.statusCode());
    assertArrayEquals(ChaosRoutes.body("slow", 5000).toArray(), slow.body());
    HttpResponse<byte[]> empty = get("/chaos/slow/0?reset=0&unavailable=0&cut=0&slow=1&slow-ms=80");
    assertEquals(200, empty.statusCode());
    assertEquals(0, empty.body().length);
  }

  @Test
  void unavailableIsA503WithRetryAfter() throws Exception {
    HttpResponse<byte[]> busy =
        get("/chaos/busy/100?reset=0&slow=0&cut=0&unavailable=1&retry-after=3");
    assertEquals(503, busy.statusCode());
    assertEquals("3", busy.headers().firstValue("Retry-After").orElseThrow());
  }

  @Test
  void aResetEndsTheConnectionWithoutAnAnswerAndACutOneHalfwayThroughTheBody() throws Exception {
    for (int i = 0; i < 10; i++) {
      byte[] reset = raw("/chaos/r/1000?unavailable=0&slow=0&cut=0&reset=1");
      assertEquals(
          "",
          new String(reset, StandardCharsets.ISO_8859_1),
          "no answer at all: headers go with the first body bytes");
    }

    assertEquals(
        "",
        new String(
            raw("/chaos/r/0?unavailable=0&slow=0&cut=0&reset=1"), StandardCharsets.ISO_8859_1),
        "an empty body too");
    // An abort drops what the server has not written yet: on a loaded machine a cut may look
    // like a reset. Whatever arrives is the headers and half the body; in ten tries it arrives.
    boolean arrived = false;
    for (int i = 0; i < 10 && !arrived; i++) {
      byte[] cut = raw("/chaos/c/1000?reset=0&unavailable=0&slow=0&cut=1");
      arrived = cut.length > 0;
      if (arrived) {
        assertTrue(head(cut).contains("Content-Length: 1000"), head(cut));
        assertEquals(500, bodyLength(cut), "half of it sent");
      }
    }
    assertTrue(arrived, "a cut body arrived in ten tries");
  }

  @Test
  void badChancesAndSizesAreRefused() throws Exception {
    assertEquals(400, get("/chaos/k/10?reset=2").statusCode());
    assertEquals(400, get("/chaos/k/10?reset=0.5&cut=0.6").statusCode(), "together more than 1");
    assertEquals(400, get("/chaos/k/-1").statusCode());
    assertEquals(400, get("/chaos/k/10?retry-after=61").statusCode());
  }
}
