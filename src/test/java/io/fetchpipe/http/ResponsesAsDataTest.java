package io.fetchpipe.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.http.server.TestServer;
import io.fetchpipe.testing.HttpbinEcho;
import io.fetchpipe.testing.WithEmbeddedServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests and responses as data: methods, headers and bodies reach the server; every body policy
 * delivers what it promises and stops at the cap; compression is decoded, and the cap applies to
 * the decoded body.
 */
class ResponsesAsDataTest extends WithEmbeddedServer {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] PAYLOAD = "fetchpipe \u2713 bytes\n".getBytes(StandardCharsets.UTF_8);
  private static final String PAYLOAD_BASE64 =
      Base64.getUrlEncoder().withoutPadding().encodeToString(PAYLOAD);

  @TempDir Path dir;

  private FetchSettings settings() {
    return FetchSettings.create(testKit.system());
  }

  private Outcome<FetchResponse> fetch(FetchSettings settings, FetchRequest request)
      throws Exception {
    try (Fetcher fetcher =
        Fetcher.create(testKit.system(), PoolSettings.create(testKit.system()), settings)) {
      return fetcher
          .gather(List.of(request))
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS)
          .get(0);
    }
  }

  private FetchResponse ok(FetchSettings settings, FetchRequest request) throws Exception {
    Outcome<FetchResponse> outcome = fetch(settings, request);
    assertTrue(outcome.isSuccess(), "expected a response, got " + outcome);
    return outcome.getOrThrow();
  }

  private static Outcome.Failure<FetchResponse> failed(Outcome<FetchResponse> outcome) {
    return assertInstanceOf(Outcome.Failure.class, outcome, "expected a failure");
  }

  private JsonNode echo(FetchRequest request) throws Exception {
    return JSON.readTree(ok(settings(), request.readAs(ReadAs.text())).text());
  }

  @Test
  void discardCountsTheBodyAndKeepsNothing() throws Exception {
    FetchResponse response = ok(settings(), FetchRequest.get(url("/bytes/70000")));
    assertEquals(70_000, response.bytes());
    assertEquals(ResponseBody.Discarded.INSTANCE, response.body());
    assertNull(response.sha256(), "hashing is off unless asked for");
  }

  @Test
  void bytesKeepTheBodyExactly() throws Exception {
    FetchResponse response =
        ok(settings(), FetchRequest.get(url("/base64/" + PAYLOAD_BASE64)).readAs(ReadAs.bytes()));
    assertArrayEquals(PAYLOAD, ((ResponseBody.InMemory) response.body()).bytes().toArray());
    assertEquals(PAYLOAD.length, response.bytes());
  }

  @Test
  void textIsDecodedByTheResponsesCharset() throws Exception {
    FetchSettings asText = settings().withReadAs(ReadAs.text());
    assertEquals(
        TestServer.UTF8_SAMPLE, ok(asText, FetchRequest.get(url("/encoding/utf8"))).text());
    for (String charset : List.of("iso-8859-1", "windows-1252", "utf-16")) {
      FetchResponse response = ok(asText, FetchRequest.get(url("/charset/" + charset)));
      assertEquals(TestServer.CHARSET_SAMPLE, response.text(), charset);
      assertEquals(
          TestServer.CHARSET_SAMPLE.getBytes(charset).length,
          response.bytes(),
          "bytes count the wire form");
    }
  }

  @Test
  void textWithoutACharsetIsUtf8AndMalformedBytesBecomeReplacementCharacters() throws Exception {
    byte[] malformed = {'o', 'k', ' ', (byte) 0xC3, (byte) 0x28, '!'};
    String value = Base64.getUrlEncoder().withoutPadding().encodeToString(malformed);
    FetchResponse response =
        ok(settings(), FetchRequest.get(url("/base64/" + value)).readAs(ReadAs.text()));
    assertEquals("ok \uFFFD(!", response.text());
  }

  @Test
  void aFileIsCompleteBeforeTheOutcomeAndNothingPartialIsLeft() throws Exception {
    Path target = dir.resolve("saved.body");
    FetchResponse response =
        ok(settings(), FetchRequest.get(url("/bytes/300000")).readAs(ReadAs.file(target)));
    assertEquals(new ResponseBody.Saved(target), response.body());
    assertEquals(300_000, Files.size(target));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(target), files.toList(), "no temporary file left beside it");
    }
  }

  @Test
  void aSinkOfTheCallersGetsTheBodyAsItStreams() throws Exception {
    Sink<ByteString, CompletionStage<Integer>> chunkSizes =
        Sink.fold(0, (total, chunk) -> total + chunk.size());
    FetchResponse response =
        ok(settings(), FetchRequest.get(url("/bytes/123456")).readAs(ReadAs.sink(chunkSizes)));
    assertEquals(new ResponseBody.Consumed(123_456), response.body());
    assertEquals(123_456, response.bytes());
  }

  @Test
  void everyPolicyStopsAtTheCap() throws Exception {
    FetchSettings capped = settings().withMaxBody(10_000);
    Path target = dir.resolve("too-large.body");
    List<ReadAs> policies =
        List.of(
            ReadAs.discard(),
            ReadAs.bytes(),
            ReadAs.text(),
            ReadAs.file(target),
            ReadAs.sink(Sink.<ByteString>ignore()));
    for (ReadAs policy : policies) {
      // Small enough to come with the headers, and large enough to stream: both paths are capped.
      for (String path : List.of("/bytes/10001", "/bytes/5000000")) {
        Outcome.Failure<FetchResponse> failure =
            failed(fetch(capped, FetchRequest.get(url(path)).readAs(policy)));
        assertEquals(FetchErrorKind.TOO_LARGE, failure.kind(), policy + " " + path);
        assertEquals("body larger than 10000 bytes", failure.message());
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(
          List.of(), files.toList(), "a body past the cap leaves no file, whole or partial");
    }
    assertEquals(
        10_000,
        ok(capped, FetchRequest.get(url("/bytes/10000")).readAs(ReadAs.bytes())).bytes(),
        "exactly the cap is fine");
  }

  @Test
  void compressedBodiesAreAskedForAndDecoded() throws Exception {
    FetchSettings compressed = settings().withCompressed(true).withReadAs(ReadAs.text());
    JsonNode gzip = JSON.readTree(ok(compressed, FetchRequest.get(url("/gzip"))).text());
    assertTrue(gzip.get("gzipped").asBoolean(), gzip.toString());
    JsonNode deflate = JSON.readTree(ok(compressed, FetchRequest.get(url("/deflate"))).text());
    assertTrue(deflate.get("deflated").asBoolean(), deflate.toString());
    JsonNode asked = JSON.readTree(ok(compressed, FetchRequest.get(url("/anything"))).text());
    assertEquals("gzip, deflate", asked.get("headers").get("Accept-Encoding").asText());

    JsonNode notAsked = echo(FetchRequest.get(url("/anything")));
    assertFalse(notAsked.get("headers").has("Accept-Encoding"), "compression is opt-in");
  }

  @Test
  void theCapAppliesToTheDecodedBodySoASmallBombIsTooLarge() throws Exception {
    FetchSettings compressed = settings().withCompressed(true).withMaxBody(1 << 20);
    FetchResponse underTheCap = ok(compressed, FetchRequest.get(url("/gzip-bytes/1048576")));
    assertEquals(1 << 20, underTheCap.bytes(), "bytes counts the decoded body");
    // 64 MiB of zeros are about 64 KB on the wire; decoding stops just past the 1 MiB cap.
    Outcome.Failure<FetchResponse> bomb =
        failed(
            fetch(
                compressed.withReadAs(ReadAs.bytes()),
                FetchRequest.get(url("/gzip-bytes/67108864"))));
    assertEquals(FetchErrorKind.TOO_LARGE, bomb.kind());
  }

  @Test
  void methodsHeadersAndBodiesReachTheServer() throws Exception {
    byte[] binary = {0, 1, 2, (byte) 0xFF, (byte) 0xFE, '\n'};
    JsonNode posted =
        echo(
            FetchRequest.post(url("/anything/upload"), ByteString.fromArray(binary))
                .withHeader("Content-Type", "application/x-thing")
                .withHeader("X-Twice", "one")
                .withHeader("X-Twice", "two"));
    assertEquals("POST", posted.get("method").asText());
    assertEquals(url("/anything/upload"), posted.get("url").asText());
    assertArrayEquals(binary, HttpbinEcho.data(posted));
    assertEquals("application/x-thing", posted.get("headers").get("Content-Type").asText());
    assertEquals(
        "one,two",
        posted.get("headers").get("X-Twice").asText(),
        "a header given twice is sent twice");
    assertTrue(posted.get("headers").get("User-Agent").asText().startsWith("fetchpipe/"));

    for (String method : List.of("PUT", "PATCH", "DELETE", "OPTIONS")) {
      JsonNode echoed = echo(FetchRequest.get(url("/anything")).withMethod(method));
      assertEquals(method, echoed.get("method").asText());
    }
    assertEquals(200, ok(settings(), FetchRequest.get(url("/get")).withMethod("HEAD")).status());
    JsonNode ownAgent =
        echo(FetchRequest.get(url("/anything")).withHeader("User-Agent", "mine/1.0"));
    assertEquals(
        "mine/1.0",
        ownAgent.get("headers").get("User-Agent").asText(),
        "the request's own agent wins");
  }

  @Test
  void theConfiguredUserAgentIsSentAsWrittenWhetherOrNotPekkoCanModelIt() throws Exception {
    for (String agent : List.of("crawler/2.0 (+https://example.com/bot)", "crawler [2.0] {odd}")) {
      FetchSettings configured = settings().withUserAgent(agent);
      JsonNode echoed =
          JSON.readTree(
              ok(configured, FetchRequest.get(url("/anything")).readAs(ReadAs.text())).text());
      assertEquals(agent, userAgent(echoed), echoed.toString());
      JsonNode own =
          JSON.readTree(
              ok(
                      configured,
                      FetchRequest.get(url("/anything"))
                          .withHeader("User-Agent", "mine/1.0")
                          .readAs(ReadAs.text()))
                  .text());
      assertEquals("mine/1.0", userAgent(own), "the request's own agent wins");
    }
  }

  /**
   * The User-Agent the echo saw; header names are case-insensitive, and the echo writes them as
   * received.
   */
  private static String userAgent(JsonNode echoed) {
    for (var fields = echoed.get("headers").fields(); fields.hasNext(); ) {
      var field = fields.next();
      if (field.getKey().equalsIgnoreCase("User-Agent")) {
        return field.getValue().asText();
      }
    }
    return null;
  }

  @Test
  void userInfoInTheUrlIsSentAsBasicAuthorization() throws Exception {
    String withUser = url("/anything").replace("http://", "http://ann:s%40cret@");
    JsonNode echoed = echo(FetchRequest.get(withUser));
    String expected =
        "Basic "
            + Base64.getEncoder().encodeToString("ann:s@cret".getBytes(StandardCharsets.UTF_8));
    assertEquals(expected, echoed.get("headers").get("Authorization").asText());
    assertFalse(
        echoed.get("url").asText().contains("ann"),
        "credentials are not part of the request target");
  }

  @Test
  void aPostRedirectedWith302BecomesAGetAsInBrowsers() throws Exception {
    FetchResponse response =
        ok(settings().withMaxRedirects(3), FetchRequest.post(url("/redirect/1"), "data"));
    assertEquals(200, response.status());
    assertEquals(url("/get"), response.finalUrl());
  }

  @Test
  void responsesCarryHeadersContentTypeAndOnRequestTheirHash() throws Exception {
    FetchResponse response =
        ok(
            settings().withSha256(true),
            FetchRequest.get(
                url("/response-headers?X-One=1&X-Many=a&X-Many=b&Content-Type=text/x-test")));
    assertEquals("text/x-test", response.contentType());
    assertEquals(
        List.of("a", "b"),
        response.headers().stream().filter(h -> h.is("X-Many")).map(Header::value).toList());
    assertEquals("1", response.header("x-one").orElseThrow());

    FetchResponse hashed =
        ok(settings().withSha256(true), FetchRequest.get(url("/base64/" + PAYLOAD_BASE64)));
    String expected =
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(PAYLOAD));
    assertEquals(expected, hashed.sha256());
  }
}
