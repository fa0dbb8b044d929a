package io.fetchpipe.stream;

import io.fetchpipe.http.FetchRequest;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.IOResult;
import org.apache.pekko.stream.javadsl.FileIO;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamConverters;
import org.apache.pekko.util.ByteString;

/**
 * Reads a file of URLs, one per line, lazily (millions of lines never sit in memory): UTF-8, LF or
 * CRLF; each line trimmed; blank lines and lines starting with {@code #} skipped. Each URL becomes
 * an {@link InputLine} with its 0-based index among the URLs, its 1-based line number and a GET
 * request for it. A line over {@link FetchRequest#MAX_URL_BYTES} is cut just past the limit, so it
 * fails as {@code invalid-url} instead of filling memory.
 */
public final class UrlLines {
  private UrlLines() {}

  /** The URLs of a file. */
  public static Source<InputLine, CompletionStage<IOResult>> fromPath(Path file) {
    return FileIO.fromPath(file).via(parse());
  }

  /** The URLs of a stream (e.g. standard input); it is read on a blocking-I/O dispatcher. */
  public static Source<InputLine, CompletionStage<IOResult>> fromInputStream(InputStream in) {
    return StreamConverters.fromInputStream(() -> in).via(parse());
  }

  /** Bytes to GET requests. */
  public static Flow<ByteString, InputLine, NotUsed> parse() {
    return parse(lines(RequestTemplate.GET));
  }

  /** Reads each line as a URL, requested as {@code template} says. */
  public static LineReader lines(RequestTemplate template) {
    return (index, line, text) -> InputLine.of(index, line, template.request(text));
  }

  /** How the text of one line becomes an input line. */
  @FunctionalInterface
  public interface LineReader {
    /**
     * The input line for {@code text}, the {@code index}-th non-blank line, at line number {@code
     * line}.
     */
    InputLine read(long index, long line, String text);
  }

  /**
   * Bytes to numbered, trimmed, non-blank, non-comment lines, each turned into an input line by
   * {@code reader}.
   */
  public static Flow<ByteString, InputLine, NotUsed> parse(LineReader reader) {
    return Flow.<ByteString>create()
        .statefulMap(
            () -> new LineSplitter(FetchRequest.MAX_URL_BYTES),
            (splitter, chunk) -> Pair.create(splitter, splitter.accept(chunk)),
            splitter -> Optional.of(splitter.finish()))
        .mapConcat(lines -> lines)
        .map(line -> new LineSplitter.Line(line.number(), line.text().strip()))
        .filter(line -> !line.text().isEmpty() && line.text().charAt(0) != '#')
        .zipWithIndex()
        .map(
            indexed ->
                reader.read(indexed.second(), indexed.first().number(), indexed.first().text()));
  }
}
