package io.fetchpipe.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A header is a token name and a value without line breaks, nothing else. */
class HeaderTest {
  @ParameterizedTest
  @ValueSource(strings = {"Content-Type", "X-Request-Id", "etag", "a!#$%&'*+-.^_`|~9"})
  void tokenNamesAreAccepted(String name) {
    assertEquals(name, new Header(name, "v").name());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "Content Type", "X:Y", "a\tb", "Grüße", "a(b)", "a\"b", "a\u007fb", "{x}"})
  void otherNamesAreRejected(String name) {
    assertThrows(IllegalArgumentException.class, () -> new Header(name, "v"));
  }

  @Test
  void valuesWithLineBreaksAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new Header("X", "a\r\nSet-Cookie: x"));
    assertThrows(IllegalArgumentException.class, () -> new Header("X", "a\nb"));
    assertEquals("a b; c=\"d\"", new Header("X", "a b; c=\"d\"").value());
  }
}
