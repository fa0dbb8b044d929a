package io.fetchpipe.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.Header;
import io.fetchpipe.http.ResponseBody;
import java.util.List;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.junit.jupiter.api.Test;

/** A response's headers read lazily are the same list the response had, and stay immutable. */
class ReceivedHeadersTest {
  private static final HttpResponse RESPONSE =
      HttpResponse.create()
          .withHeaders(
              List.of(
                  RawHeader.create("X-Many", "1"),
                  RawHeader.create("X-Many", "2"),
                  RawHeader.create("ETag", "\"abc\"")))
          .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, "{}"));

  @Test
  void theEntitysHeadersComeFirstThenTheOthersInTheirOrder() {
    List<Header> expected =
        List.of(
            new Header("Content-Type", "application/json"),
            new Header("Content-Length", "2"),
            new Header("X-Many", "1"),
            new Header("X-Many", "2"),
            new Header("ETag", "\"abc\""));
    ReceivedHeaders headers = new ReceivedHeaders(RESPONSE);
    assertEquals(expected, headers);
    assertEquals(expected.hashCode(), headers.hashCode());
    assertEquals("2", headers.get(1).value());
  }

  @Test
  void aResponseWithoutAContentTypeHasNoContentTypeHeader() {
    assertEquals(
        List.of(new Header("Content-Length", "0"), new Header("X-Many", "1")),
        new ReceivedHeaders(
            HttpResponse.create()
                .withHeaders(List.of(RawHeader.create("X-Many", "1")))
                .withEntity(HttpEntities.EMPTY)));
  }

  @Test
  void theListCannotBeChangedAndAResponseKeepsIt() {
    ReceivedHeaders headers = new ReceivedHeaders(RESPONSE);
    assertThrows(RuntimeException.class, () -> headers.add(new Header("X", "y")));
    assertThrows(RuntimeException.class, () -> headers.set(0, new Header("X", "y")));
    FetchResponse response =
        new FetchResponse(
            200, headers, "application/json", null, 1, 2, null, ResponseBody.Discarded.INSTANCE);
    assertEquals("\"abc\"", response.header("etag").orElseThrow());
    assertEquals(5, response.headers().size());
  }
}
