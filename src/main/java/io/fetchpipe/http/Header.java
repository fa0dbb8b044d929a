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
    if (!isToken(name)) {
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

  // Every response header passes through here, so the check is a plain loop over a table.
  private static final boolean[] TOKEN_CHARS = new boolean[127];

  static {
    for (char c = 33; c < 127; c++) {
      TOKEN_CHARS[c] = "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }
  }

  private static boolean isToken(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c >= TOKEN_CHARS.length || !TOKEN_CHARS[c]) {
        return false;
      }
    }
    return true;
  }
}
