package io.fetchpipe.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The short way to read a URL gives what the full parser gives, or leaves the URL to it. */
class PlainUrlTest {
  // Each piece of a generated URL comes from the first list, or (one time in eight) from the
  // second.
  private static final List<List<String>> SCHEMES =
      List.of(
          List.of("http://", "https://"),
          List.of("HTTP://", "http:/", "http:///", "ftp://", "http:\\\\", " http://"));
  private static final List<List<String>> HOST_PARTS =
      List.of(
          List.of(
              "a", "B", "h", "1", "0", "9", ".", "-", "127.0.0.1", "10.0.0.255", "example", "com"),
          List.of(
              "0x7f", "999", "256", "255", "010", "1.1", "..", "xn--", "_", "%41", "ü", "[::1]",
              "@", "u:p@", "\t", "/"));
  private static final List<List<String>> PORTS =
      List.of(
          List.of("", "", "", "", ":8080", ":1", ":65535"),
          List.of(":80", ":443", ":0", ":00080", ":65536", ":", ":123456", ":8a", ":-1"));
  private static final List<List<String>> PATH_PARTS =
      List.of(
          List.of(
              "/", "/", "/", "a", "Z", "9", "%41", "%c3%a9", "~", "!", "$", "&", "(", ")", "*", "+",
              ",", ";", "=", "-", ".", "_", ":", "@", "?", "'"),
          List.of(
              "%2e",
              "%2E", "/.", "/..", "..", "%", "%zz", "%4", "#", " ", "\t", "\\", "|", "[", "]", "^",
              "`", "{", "}", "\"", "<", ">", "é", "\u0001", "\u007f"));

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "http://127.0.0.1:8080/1k",
        "https://example.com/a/b?x=1&y=2",
        "http://h",
        "http://Example.COM/Path",
        "https://sub.example.org:8443/p%20q?r=%41&s=a/b?c",
        "http://h/a;b=c,d!$&'()*+:@~?e=1&f=2;g",
        "http://0x7f.1/",
        "http://example.com./x",
        "http://h//x",
        "http://h/?",
      })
  void readsWhatNearlyEveryInputLineHolds(String input) {
    WebUrl plain = PlainUrl.readOrNull(input);

    assertNotNull(plain, "left to the full parser");
    assertSame(WebUrlParser.parse(input, null), plain);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "HTTP://h/",
        "http:/h",
        "ftp://h/",
        "http://h/#f",
        "http://u@h/",
        "http://u:p@h/",
        "http://h:80/",
        "https://h:443/",
        "http://h:0080/",
        "http://h:/",
        "http://h:99999/",
        "http://h?x",
        "http://h/./a",
        "http://h/a/../b",
        "http://h/%2e%2E/b",
        "http://h/.well-known/x",
        "http://h/a b",
        "http://h/%zz",
        "http://h/100%",
        "http://h/é",
        "http://h/a|b",
        "http://h/?q='",
        "http://h/a\\b",
        " http://h/",
        "http://h/\t",
        "http://my_host/",
        "http://bücher.example/",
        "http://[::1]/",
        "http://%41/",
      })
  void leavesEverythingElseToTheFullParser(String input) {
    assertNull(PlainUrl.readOrNull(input));
  }

  /**
   * Random URLs made of the pieces that change how the standard reads a URL: wherever the short way
   * reads one, the full parser reads the same URL, or fails the same way.
   */
  @Test
  void agreesWithTheFullParserOnEveryUrlItReads() {
    Random random = new Random(20261128L);
    int read = 0;
    for (int i = 0; i < 100_000; i++) {
      String path =
          random.nextInt(8) == 0
              ? pieces(random, PATH_PARTS, 2)
              : "/" + pieces(random, PATH_PARTS, 10);
      String input =
          pick(random, SCHEMES)
              + pick(random, HOST_PARTS)
              + pieces(random, HOST_PARTS, 3)
              + pick(random, PORTS)
              + path;
      WebUrl plain;
      try {
        plain = PlainUrl.readOrNull(input);
      } catch (WebUrl.InvalidUrlException e) {
        assertFullParserRejects(input, e.getMessage());
        continue;
      }
      if (plain != null) {
        read++;
        assertSame(full(input), plain);
      }
    }
    // Not a vacuous agreement: a good share of the inputs took the short way.
    if (read < 20_000) {
      fail("only " + read + " of 100 000 inputs were read the short way");
    }
  }

  private static WebUrl full(String input) {
    try {
      return WebUrlParser.parse(input, null);
    } catch (WebUrl.InvalidUrlException e) {
      throw new AssertionError(
          "the short way read " + input + ", the full parser rejects it: " + e.getMessage());
    }
  }

  private static void assertFullParserRejects(String input, String message) {
    try {
      WebUrlParser.parse(input, null);
    } catch (WebUrl.InvalidUrlException e) {
      assertEquals(e.getMessage(), message, input);
      return;
    }
    fail("the short way rejects " + input + " (" + message + "), the full parser reads it");
  }

  private static void assertSame(WebUrl expected, WebUrl actual) {
    String input = expected.href();
    assertEquals(expected.href(), actual.href(), input);
    assertEquals(expected.scheme(), actual.scheme(), input);
    assertEquals(expected.host(), actual.host(), input);
    assertEquals(expected.explicitPort(), actual.explicitPort(), input);
    assertEquals(expected.hostKey(), actual.hostKey(), input);
    assertEquals(expected.path(), actual.path(), input);
    assertEquals(expected.query(), actual.query(), input);
    assertEquals(expected.userInfo(), actual.userInfo(), input);
    assertEquals(expected, actual, input);
  }

  private static String pieces(Random random, List<List<String>> parts, int most) {
    StringBuilder out = new StringBuilder();
    for (int n = random.nextInt(most + 1); n > 0; n--) {
      out.append(pick(random, parts));
    }
    return out.toString();
  }

  private static String pick(Random random, List<List<String>> parts) {
    List<String> from = parts.get(random.nextInt(8) == 0 ? 1 : 0);
    return from.get(random.nextInt(from.size()));
  }
}
