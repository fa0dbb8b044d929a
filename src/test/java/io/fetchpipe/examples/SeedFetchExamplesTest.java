package io.fetchpipe.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.http.FetchRequest;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.Fetcher;
import io.fetchpipe.http.ReadAs;
import io.fetchpipe.http.server.TestServer;
import io.fetchpipe.testing.WithEmbeddedServer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.Test;

/** The seed's two fetch examples as the README writes them, run against the embedded server. */
class SeedFetchExamplesTest extends WithEmbeddedServer {

  // docs/fetching.md: seed fetch examples begins
  /** What the seed's fetch_url returns: {"url": url, "status": response.status, "length": len(data)}. */
  record Page(String url, int status, int length) {}

  /** The seed's fetch_all: one shared session, gather, and the text of each response. */
  static CompletionStage<List<Page>> fetchAll(Fetcher session, List<String> urls) {
    List<FetchRequest> requests = urls.stream().map(url -> FetchRequest.get(url).readAs(ReadAs.text())).toList();
    return session.gatherOrFail(requests).thenApply(responses -> IntStream.range(0, urls.size())
        .mapToObj(i -> new Page(urls.get(i), responses.get(i).status(), responses.get(i).text().length()))
        .toList());
  }

  /** The seed's fetch_with_limit under Semaphore(5): the texts, in input order. */
  static CompletionStage<List<String>> fetchWithLimit(ActorSystem<?> system, List<String> urls) {
    PoolSettings semaphore = PoolSettings.create(system).withMaxConcurrency(5);    // asyncio.Semaphore(5)
    FetchSettings asText = FetchSettings.create(system).withReadAs(ReadAs.text()); // await response.text()
    Fetcher session = Fetcher.create(system, semaphore, asText);                  // aiohttp.ClientSession()
    return session.gatherOrFail(urls.stream().map(FetchRequest::get).toList())
        .thenApply(responses -> responses.stream().map(FetchResponse::text).toList())
        .whenComplete((texts, error) -> session.closeAsync());
  }
  // docs/fetching.md: seed fetch examples ends

  @Test
  void fetchAllGivesUrlStatusAndTheLengthOfTheText() throws Exception {
    List<String> urls =
        List.of(
            url("/base64/" + Base64.getUrlEncoder().encodeToString("some data".getBytes())),
            url("/encoding/utf8"),
            url("/status/404"));
    try (Fetcher session = Fetcher.create(testKit.system())) {
      List<Page> pages = fetchAll(session, urls).toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertEquals(new Page(urls.get(0), 200, "some data".length()), pages.get(0));
      assertEquals(new Page(urls.get(1), 200, TestServer.UTF8_SAMPLE.length()), pages.get(1));
      assertEquals(
          new Page(urls.get(2), 404, 0),
          pages.get(2),
          "httpbin's statuses come with an empty body");
    }
  }

  @Test
  void fetchWithLimitReturnsTheTextsInOrderWithAtMostFiveAtOnce() throws Exception {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      urls.add(url("/delay/0." + (8 - i))); // slower first: the texts still come in input order
    }
    for (int i = 0; i < 4; i++) {
      urls.add(url("/base64/" + Base64.getUrlEncoder().encodeToString(("page " + i).getBytes())));
    }
    List<String> texts =
        fetchWithLimit(testKit.system(), urls).toCompletableFuture().get(30, TimeUnit.SECONDS);
    for (int i = 0; i < 8; i++) {
      assertTrue(
          texts.get(i).contains("\"url\":\"" + urls.get(i) + "\""),
          texts.get(i)); // /delay describes the request
    }
    for (int i = 0; i < 4; i++) {
      assertEquals("page " + i, texts.get(8 + i));
    }
    assertEquals(12, server.stats().requests());
    assertEquals(5, server.stats().maxInFlight(), "Semaphore(5): five at once, never six");
  }
}
