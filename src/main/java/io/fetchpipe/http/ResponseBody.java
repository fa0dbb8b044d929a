package io.fetchpipe.http;

import java.nio.file.Path;
import org.apache.pekko.util.ByteString;

/** A response body as its {@link ReadAs} made it. */
public sealed interface ResponseBody
    permits ResponseBody.Discarded,
        ResponseBody.InMemory,
        ResponseBody.Text,
        ResponseBody.Saved,
        ResponseBody.Consumed {

  /** Counted and let go. */
  enum Discarded implements ResponseBody {
    /** The one instance. */
    INSTANCE
  }

  /**
   * The bytes.
   *
   * @param bytes the body (decoded, when compression is on)
   */
  record InMemory(ByteString bytes) implements ResponseBody {}

  /**
   * The text.
   *
   * @param text the body decoded
   * @param charset the charset it was decoded with
   */
  record Text(String text, String charset) implements ResponseBody {}

  /**
   * Written to a file, complete.
   *
   * @param file the file
   */
  record Saved(Path file) implements ResponseBody {}

  /**
   * What the caller's sink produced.
   *
   * @param value the sink's materialized value
   */
  record Consumed(Object value) implements ResponseBody {}
}
