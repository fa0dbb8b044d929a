package io.fetchpipe.stream;

import io.fetchpipe.http.FetchRequest;
import io.fetchpipe.http.Header;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.pekko.util.ByteString;

/**
 * What every request of a batch job gets unless its own input line says otherwise: a method,
 * headers and a body (the command line's {@code -X}, {@code -H}, {@code -d}). With a body and no
 * method, requests are POSTs; with a body and no {@code Content-Type}, it is {@code
 * application/x-www-form-urlencoded}, as curl sends it.
 *
 * @param method the method, or null for GET (POST with a body)
 * @param headers headers sent with every request
 * @param body the body sent with every request, or null
 */
public record RequestTemplate(String method, List<Header> headers, ByteString body) {
  /** The methods a batch job may use. */
  public static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  /** Plain GETs. */
  public static final RequestTemplate GET = new RequestTemplate(null, List.of(), null);

  /** Checks the method and copies the headers. */
  public RequestTemplate {
    method = method == null ? null : method.toUpperCase(Locale.ROOT);
    if (method != null && !METHODS.contains(method)) {
      throw new IllegalArgumentException(
          "unknown method '"
              + method
              + "' (expected one of GET, HEAD, POST, PUT, "
              + "PATCH, DELETE, OPTIONS)");
    }
    headers = headers == null ? List.of() : List.copyOf(headers);
  }

  /** The request for {@code url} with these defaults. */
  public FetchRequest request(String url) {
    return request(url, null, List.of(), null);
  }

  /**
   * The request for {@code url} where a line's own method, headers and body (each may be
   * null/empty) override the defaults; a header of the line replaces the defaults' headers of the
   * same name, the others are kept.
   */
  public FetchRequest request(
      String url, String lineMethod, List<Header> lineHeaders, ByteString lineBody) {
    ByteString effectiveBody = lineBody != null ? lineBody : body;
    String effectiveMethod =
        lineMethod != null
            ? lineMethod.toUpperCase(Locale.ROOT)
            : method != null ? method : effectiveBody != null ? "POST" : "GET";
    List<Header> merged = new ArrayList<>(headers.size() + lineHeaders.size() + 1);
    for (Header header : headers) {
      if (lineHeaders.stream().noneMatch(own -> own.is(header.name()))) {
        merged.add(header);
      }
    }
    merged.addAll(lineHeaders);
    if (effectiveBody != null && merged.stream().noneMatch(header -> header.is("Content-Type"))) {
      merged.add(new Header("Content-Type", "application/x-www-form-urlencoded"));
    }
    return new FetchRequest(url, effectiveMethod, merged, effectiveBody, null, null);
  }
}
