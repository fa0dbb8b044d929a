package io.fetchpipe.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.http.FetchErrorKind;
import io.fetchpipe.http.FetchRequest;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.Fetcher;
import io.fetchpipe.http.ReadAs;
import io.fetchpipe.testing.WithEmbeddedServer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The examples at the top of docs/fetching.md, run against the embedded server. */
class FetchingExamplesTest extends WithEmbeddedServer {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String API = "https://api.example";

  // docs/fetching.md: a fetcher begins
  static List<Outcome<FetchResponse>> fetchUrls(ActorSystem<?> system, List<String> urls) {
    try (Fetcher fetcher = Fetcher.create(system)) {         // settings from fetchpipe.pool and fetchpipe.http
      return fetcher.fetchAll(urls).toCompletableFuture().join(); // one outcome per URL, in input order
    }
  }
  // docs/fetching.md: a fetcher ends

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aFetcherGivesOneOutcomePerUrlInInputOrder() {
    List<Outcome<FetchResponse>> outcomes =
        fetchUrls(
            testKit.system(), List.of(url("/get"), url("/status/404"), "htp://not-fetchable"));

    assertEquals(200, outcomes.get(0).getOrThrow().status());
    assertEquals(
        404, outcomes.get(1).getOrThrow().status(), "a response of any status is a result");
    Outcome.Failure<FetchResponse> invalid = (Outcome.Failure<FetchResponse>) outcomes.get(2);
    assertEquals(FetchErrorKind.INVALID_URL, invalid.kind());
    assertEquals(List.of(0, 1, 2), outcomes.stream().map(Outcome::index).toList());
  }

  @Test
  void requestsArePlainDataAndReachTheServerAsWritten() throws Exception {
    // docs/fetching.md: requests as data begins
    FetchRequest get = FetchRequest.get("https://api.example/items?page=2")
        .withHeader("Accept", "application/json")
        .readAs(ReadAs.text());
    FetchRequest post = FetchRequest.post("https://api.example/items", "{\"name\":\"x\"}")
        .withHeader("Content-Type", "application/json")
        .withId("create-x");
    // docs/fetching.md: requests as data ends

    assertEquals(
        new FetchRequest(API + "/items?page=2", "GET", get.headers(), null, null, ReadAs.text()),
        get);
    assertEquals("application/json", get.header("accept"));
    assertEquals("{\"name\":\"x\"}", post.body().utf8String());
    assertEquals("create-x", post.id());

    // The same requests, sent to the test server's echo rather than to api.example.
    FetchSettings readingText = FetchSettings.create(testKit.system()).withReadAs(ReadAs.text());
    try (Fetcher fetcher =
        Fetcher.create(testKit.system(), PoolSettings.create(testKit.system()), readingText)) {
      List<FetchResponse> echoes =
          fetcher
              .gatherOrFail(List.of(toTestServer(get), toTestServer(post)))
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      JsonNode gotten = JSON.readTree(echoes.get(0).text());
      assertEquals("GET", gotten.get("method").asText());
      assertEquals("2", gotten.get("args").get("page").asText());
      assertEquals("application/json", gotten.get("headers").get("Accept").asText());
      JsonNode posted = JSON.readTree(echoes.get(1).text());
      assertEquals("POST", posted.get("method").asText());
      assertEquals("x", posted.get("json").get("name").asText());
      assertEquals("application/json", posted.get("headers").get("Content-Type").asText());
    }
  }

  /** {@code request} with its api.example URL moved to the test server's {@code /anything} echo. */
  private FetchRequest toTestServer(FetchRequest request) {
    String url = url("/anything") + request.url().substring(API.length());
    return new FetchRequest(
        url, request.method(), request.headers(), request.body(), request.id(), request.readAs());
  }
}
