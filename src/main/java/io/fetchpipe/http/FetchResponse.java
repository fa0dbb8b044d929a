package io.fetchpipe.http;

import io.fetchpipe.http.internal.ReceivedHeaders;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a fetch got back when a response arrived (any status, unless statuses are raised as errors):
 * plain data, with the body as the request's {@link ReadAs} made it.
 *
 * @param status the HTTP status code
 * @param headers the response headers as received, {@code Content-Type} and {@code Content-Length}
 *     included
 * @param contentType the {@code Content-Type} value, or null when the response had none
 * @param finalUrl the URL of the last hop when redirects were followed, or null when none were
 * @param attempts requests started for this URL, retries included (redirect hops are not attempts)
 * @param bytes body bytes read (after decoding, when compression is on)
 * @param sha256 the SHA-256 of those bytes in hex when the fetcher hashes bodies, else null
 * @param body the body, as it was read
 */
public record FetchResponse(
    int status,
    List<Header> headers,
    String contentType,
    String finalUrl,
    int attempts,
    long bytes,
    String sha256,
    ResponseBody body) {

  /** Checks the fields. */
  public FetchResponse {
    // Received headers are immutable already, and made into records only when read.
    headers =
        headers == null
            ? List.of()
            : headers instanceof ReceivedHeaders ? headers : List.copyOf(headers);
    Objects.requireNonNull(body, "body");
  }

  /** The first header named {@code name}, ignoring case. */
  public Optional<String> header(String name) {
    return headers.stream().filter(header -> header.is(name)).map(Header::value).findFirst();
  }

  /**
   * The body as text (read with {@link ReadAs#text()}).
   *
   * @throws IllegalStateException when the body was read another way
   */
  public String text() {
    if (body instanceof ResponseBody.Text text) {
      return text.text();
    }
    throw new IllegalStateException("the body was not read as text but as " + body);
  }

  /** The same response with another body (e.g. once a caller has decoded it further). */
  public FetchResponse withBody(ResponseBody value) {
    return new FetchResponse(
        status, headers, contentType, finalUrl, attempts, bytes, sha256, value);
  }
}
