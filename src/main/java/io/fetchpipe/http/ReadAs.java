package io.fetchpipe.http;

import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;

/**
 * What a fetch does with the response body, like Java's {@code HttpResponse.BodyHandlers} or
 * aiohttp's {@code read()} / {@code text()}: count it and let it go (the cheapest), keep its bytes,
 * decode it as text, stream it to a file, or hand it to a sink of the caller's. Every choice reads
 * the body as it streams and stops at the fetcher's {@code max-body} (the decoded size, when
 * compression is on): nothing holds more than the cap. The result is the response's {@link
 * ResponseBody}.
 */
public sealed interface ReadAs
    permits ReadAs.Discard, ReadAs.Bytes, ReadAs.Text, ReadAs.ToFile, ReadAs.ToSink {

  /** Count the bytes, keep none: {@link ResponseBody.Discarded}. */
  static ReadAs discard() {
    return Discard.INSTANCE;
  }

  /** Keep the bytes in memory: {@link ResponseBody.InMemory}. */
  static ReadAs bytes() {
    return Bytes.INSTANCE;
  }

  /**
   * Decode the body as text by the charset of its {@code Content-Type} (UTF-8 when it names none);
   * malformed bytes become U+FFFD: {@link ResponseBody.Text}.
   */
  static ReadAs text() {
    return Text.INSTANCE;
  }

  /**
   * Stream the body into {@code file}: written under a temporary name beside it and renamed when
   * complete, so the file is whole before the outcome is reported, and never half there: {@link
   * ResponseBody.Saved}.
   */
  static ReadAs file(Path file) {
    return new ToFile(file);
  }

  /**
   * Stream the body into {@code sink}, one materialization per response; its materialized value is
   * the result: {@link ResponseBody.Consumed}. (A sink is code, not data: requests that use it
   * cannot be sent to other nodes.)
   */
  static <T> ReadAs sink(Sink<ByteString, CompletionStage<T>> sink) {
    return new ToSink<>(sink);
  }

  /** Count only. */
  enum Discard implements ReadAs {
    /** The one instance. */
    INSTANCE
  }

  /** Keep the bytes. */
  enum Bytes implements ReadAs {
    /** The one instance. */
    INSTANCE
  }

  /** Decode as text. */
  enum Text implements ReadAs {
    /** The one instance. */
    INSTANCE
  }

  /**
   * Stream to a file.
   *
   * @param file where the body ends up
   */
  record ToFile(Path file) implements ReadAs {
    /** Checks the path is given. */
    public ToFile {
      Objects.requireNonNull(file, "file");
    }
  }

  /**
   * Stream to a sink.
   *
   * @param sink the caller's sink
   * @param <T> its materialized result
   */
  record ToSink<T>(Sink<ByteString, CompletionStage<T>> sink) implements ReadAs {
    /** Checks the sink is given. */
    public ToSink {
      Objects.requireNonNull(sink, "sink");
    }
  }
}
