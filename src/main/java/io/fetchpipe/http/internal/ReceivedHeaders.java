package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.http.Header;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * A response's headers as an immutable list of {@link Header}s, made when first read. Most
 * responses' headers are never read (the command line shows them only with {@code
 * --include-headers}), and making a record per header of every response was 7 % of a one-host
 * fetch's CPU samples. Keeps Pekko's parsed headers, never the entity: a response whose body was
 * discarded holds no body here either.
 */
@InternalApi
public final class ReceivedHeaders extends AbstractList<Header> implements RandomAccess {
  private final String contentType;
  private final long contentLength;
  private final Iterable<HttpHeader> received;
  private volatile List<Header> made;

  /** The headers of {@code response}; Pekko keeps Content-Type and Content-Length on its entity. */
  public ReceivedHeaders(HttpResponse response) {
    var entity = response.entity();
    this.contentType =
        entity.getContentType().equals(ContentTypes.NO_CONTENT_TYPE)
            ? null
            : entity.getContentType().toString();
    this.contentLength = entity.getContentLengthOption().orElse(-1L);
    this.received = response.getHeaders();
  }

  @Override
  public Header get(int index) {
    return made().get(index);
  }

  @Override
  public int size() {
    return made().size();
  }

  // Two threads reading at once may both make the list: equal lists, either one kept.
  private List<Header> made() {
    List<Header> headers = made;
    if (headers == null) {
      List<Header> making = new ArrayList<>();
      if (contentType != null) {
        making.add(new Header("Content-Type", contentType));
      }
      if (contentLength >= 0) {
        making.add(new Header("Content-Length", Long.toString(contentLength)));
      }
      for (HttpHeader header : received) {
        making.add(new Header(header.name(), header.value()));
      }
      headers = List.copyOf(making);
      made = headers;
    }
    return headers;
  }
}
