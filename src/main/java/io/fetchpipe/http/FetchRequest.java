package io.fetchpipe.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.pekko.util.ByteString;

/**
 * One request to send, as plain data (so it can cross nodes): URL, method, headers, an optional
 * body, an optional correlation id of the application's, and optionally how to read the response
 * body (else the fetcher's default). Build it with {@link #get(String)} or {@link #post(String,
 * String)} and the {@code with} methods, which return changed copies.
 *
 * @param url the URL as given; read the way a browser reads it when sent
 * @param method the request method, uppercase (e.g. {@code GET}, {@code POST})
 * @param headers request headers in order; a name given twice is sent twice
 * @param body the request body, or null for none
 * @param id the application's correlation value, or null; never sent
 * @param readAs how to read this request's response body, or null for the fetcher's default
 */
public record FetchRequest(
    String url, String method, List<Header> headers, ByteString body, String id, ReadAs readAs) {
  /**
   * Longest URL accepted, in UTF-8 bytes (1 MiB). Longer input lines are cut just past it by the
   * line reader and fail as {@code invalid-url}.
   */
  public static final int MAX_URL_BYTES = 1 << 20;

  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  /** Normalises the method to uppercase and checks the fields. */
  public FetchRequest {
    Objects.requireNonNull(url, "url");
    method = method == null ? "GET" : method.toUpperCase(Locale.ROOT);
    if (!TOKEN.matcher(method).matches()) {
      throw new IllegalArgumentException("invalid method '" + method + "'");
    }
    headers = headers == null ? List.of() : List.copyOf(headers);
  }

  /** A GET of {@code url}. */
  public static FetchRequest get(String url) {
    return new FetchRequest(url, "GET", List.of(), null, null, null);
  }

  /** A POST of {@code body} (sent as UTF-8) to {@code url}. */
  public static FetchRequest post(String url, String body) {
    return post(url, ByteString.fromString(body, StandardCharsets.UTF_8));
  }

  /** A POST of {@code body} to {@code url}. */
  public static FetchRequest post(String url, ByteString body) {
    return new FetchRequest(url, "POST", List.of(), body, null, null);
  }

  /** A copy with another method. */
  public FetchRequest withMethod(String value) {
    return new FetchRequest(url, value, headers, body, id, readAs);
  }

  /** A copy with one more header. */
  public FetchRequest withHeader(String name, String value) {
    List<Header> more = new ArrayList<>(headers.size() + 1);
    more.addAll(headers);
    more.add(new Header(name, value));
    return new FetchRequest(url, method, more, body, id, readAs);
  }

  /** A copy with these headers instead. */
  public FetchRequest withHeaders(List<Header> value) {
    return new FetchRequest(url, method, value, body, id, readAs);
  }

  /** A copy with this body (null for none). */
  public FetchRequest withBody(ByteString value) {
    return new FetchRequest(url, method, headers, value, id, readAs);
  }

  /** A copy with this correlation id. */
  public FetchRequest withId(String value) {
    return new FetchRequest(url, method, headers, body, value, readAs);
  }

  /** A copy whose response body is read as {@code value} rather than as the fetcher's default. */
  public FetchRequest readAs(ReadAs value) {
    return new FetchRequest(url, method, headers, body, id, value);
  }

  /** The first header named {@code name} (ignoring case), or null. */
  public String header(String name) {
    for (Header header : headers) {
      if (header.is(name)) {
        return header.value();
      }
    }
    return null;
  }
}
