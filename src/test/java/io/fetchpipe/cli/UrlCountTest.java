package io.fetchpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The progress bar's total: the URL lines of a file, counted as the input reader keeps them. */
class UrlCountTest {
  @TempDir Path dir;

  private static long count(String text) throws IOException {
    return UrlCount.count(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** The reader's rule (UrlLines): strip the line; skip it when empty or a comment. */
  private static long byTheReadersRule(String text) {
    return text.lines()
        .map(String::strip)
        .filter(line -> !line.isEmpty() && line.charAt(0) != '#')
        .count();
  }

  @Test
  void blankLinesAndCommentsAreNotUrls() throws Exception {
    assertEquals(0, count(""));
    assertEquals(0, count("\n\r\n  \t \n# comment\n   # indented comment\n"));
    assertEquals(
        3,
        count("http://a/\r\n\n  http://b/#frag  \n\thttp://c/"),
        "CRLF, indentation, no last newline");
    assertEquals(
        1,
        count("http://ü.example/\n\u000b\u001c\n"),
        "non-ASCII URL; ASCII whitespace only is blank");
  }

  @Test
  void agreesWithTheReaderOnAFileLargerThanItsBuffer() throws Exception {
    Random random = new Random(42);
    String[] pieces = {
      "http://h/x", "# c", "", " ", "\t", "\r", "  http://h/y  ", " #x", "\u000c", "https://ü/"
    };
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 40_000; i++) {
      text.append(pieces[random.nextInt(pieces.length)])
          .append(pieces[random.nextInt(pieces.length)]);
      text.append(random.nextInt(4) == 0 ? "\r\n" : "\n");
    }
    assertEquals(byTheReadersRule(text.toString()), count(text.toString()));
  }

  @Test
  void countsAFileOnAThreadOfItsOwn() throws Exception {
    Path file = Files.writeString(dir.resolve("urls.txt"), "http://a/\n#\nhttp://b/\n");
    CompletableFuture<Long> counted = new CompletableFuture<>();
    UrlCount.inBackground(file, counted::complete);
    assertEquals(2, counted.get(30, TimeUnit.SECONDS));
  }
}
