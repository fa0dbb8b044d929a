package io.fetchpipe.stream;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

/**
 * Splits a byte stream into numbered lines (LF or CRLF), keeping at most {@code maxBytes + 1} bytes
 * of any line: what is past that is skipped, so one huge line cannot exhaust memory, and the kept
 * part is still recognisably too long. Malformed UTF-8 becomes U+FFFD.
 */
final class LineSplitter {
  /** One input line: its 1-based number and its text (without the line break). */
  record Line(long number, String text) {}

  private final int maxBytes;
  private ByteStringBuilder current = new ByteStringBuilder();
  private long lineNumber;

  LineSplitter(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** The lines completed by this chunk. */
  List<Line> accept(ByteString chunk) {
    List<Line> lines = new ArrayList<>();
    int start = 0;
    int newline;
    while ((newline = chunk.indexOf((byte) '\n', start)) >= 0) {
      append(chunk.slice(start, newline));
      lines.add(takeLine());
      start = newline + 1;
    }
    append(chunk.slice(start, chunk.size()));
    return lines;
  }

  /** The last line, if the input did not end with a line break. */
  List<Line> finish() {
    return current.length() == 0 ? List.of() : List.of(takeLine());
  }

  private void append(ByteString bytes) {
    int room = maxBytes + 1 - current.length();
    if (room > 0) {
      current.append(bytes.size() <= room ? bytes : bytes.take(room));
    }
  }

  private Line takeLine() {
    ByteString bytes = current.result();
    current = new ByteStringBuilder();
    if (bytes.nonEmpty() && bytes.apply(bytes.size() - 1) == '\r') {
      bytes = bytes.dropRight(1);
    }
    return new Line(++lineNumber, bytes.decodeString(StandardCharsets.UTF_8));
  }
}
