package io.fetchpipe.http;

import java.util.Objects;

/**
 * One HTTP header field, as plain data.
 *
 * @param name the field name, as sent or received (compare case-insensitively)
 * @param value the field value
 */
public record Header(String name, String value) {
  /** Checks the name is a token and neither part holds a line break. */
  public Header {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (name.isEmpty() || !name.chars().allMatch(Header::isTokenChar)) {
      throw new IllegalArgumentException("invalid header name '" + name + "'");
    }
    if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("header " + name + " has a line break in its value");
    }
  }

  /** Whether this header's name is {@code other}, ignoring case. */
  public boolean is(String other) {
    return name.equalsIgnoreCase(other);
  }

  private static boolean isTokenChar(int c) {
    return c > 32 && c < 127 && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
  }
}
