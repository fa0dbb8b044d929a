package io.fetchpipe.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * The number of URLs in an input file, for the progress bar's total: a byte scan that counts the
 * lines the input reader keeps (not blank, not starting with {@code #} after leading whitespace),
 * without decoding or holding them. A line whose only content is non-ASCII whitespace (U+3000, say)
 * counts here though the reader skips it: the total is a good estimate, not a promise.
 */
final class UrlCount {
  private static final int BUFFER = 64 * 1024;

  private UrlCount() {}

  /** Counts the URL lines of {@code in} to its end. */
  static long count(InputStream in) throws IOException {
    byte[] buffer = new byte[BUFFER];
    long count = 0;
    boolean decided = false; // the current line's first non-blank byte was seen
    int read;
    while ((read = in.read(buffer)) >= 0) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("counting stopped");
      }
      for (int i = 0; i < read; i++) {
        byte b = buffer[i];
        if (b == '\n') {
          decided = false;
        } else if (!decided && !isAsciiWhitespace(b)) {
          decided = true;
          if (b != '#') {
            count++;
          }
        }
      }
    }
    return count;
  }

  /**
   * The ASCII characters {@link Character#isWhitespace} (hence {@link String#strip}) takes for
   * blank.
   */
  static boolean isAsciiWhitespace(byte b) {
    return b == ' ' || (b >= 0x09 && b <= 0x0d) || (b >= 0x1c && b <= 0x1f);
  }

  /**
   * Counts {@code file}'s URLs on a daemon thread of its own and hands the count to {@code
   * counted}; nothing is handed on if the file cannot be read. Interrupting the returned thread
   * stops the count.
   */
  static Thread inBackground(Path file, LongConsumer counted) {
    Thread thread =
        new Thread(
            () -> {
              try (InputStream in = Files.newInputStream(file)) {
                counted.accept(count(in));
              } catch (IOException e) {
                // The bar goes on without a total.
              }
            },
            "fetchpipe-count-urls");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
