package io.fetchpipe.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Reading the test server's request echoes, which take httpbin's shape. */
public final class HttpbinEcho {
  private static final String BASE64 = ";base64,";

  private HttpbinEcho() {}

  /**
   * The request body an echo's {@code data} holds: its text as UTF-8, or the bytes of a {@code
   * data:} URL, which the server sends for a body that is not UTF-8.
   */
  public static byte[] data(JsonNode echo) {
    String data = echo.get("data").asText();
    int base64 = data.indexOf(BASE64);
    return data.startsWith("data:") && base64 > 0
        ? Base64.getDecoder().decode(data.substring(base64 + BASE64.length()))
        : data.getBytes(StandardCharsets.UTF_8);
  }
}
