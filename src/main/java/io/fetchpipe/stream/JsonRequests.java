package io.fetchpipe.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fetchpipe.http.FetchRequest;
import io.fetchpipe.http.Header;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.pekko.util.ByteString;

/**
 * Reads one request per line of JSON ({@code --input jsonl}): an object with {@code url}
 * (required), and optionally {@code method}, {@code headers} (an object of string values), {@code
 * body} (a string, sent as UTF-8) or {@code body_base64}, and {@code id} (any JSON value, copied
 * unchanged into the line's output). The template's defaults apply where a line says nothing. A
 * line that is not such an object becomes an {@link InputLine} that says why ({@code
 * invalid-request}), so one bad line never ends a run.
 */
public final class JsonRequests implements UrlLines.LineReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RequestTemplate template;

  /** A reader applying {@code template}'s defaults. */
  public JsonRequests(RequestTemplate template) {
    this.template = template;
  }

  @Override
  public InputLine read(long index, long line, String text) {
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      return invalid(index, line, null, null, "not JSON: " + firstLine(e.getOriginalMessage()));
    }
    if (node == null || !node.isObject()) {
      return invalid(index, line, null, null, "not a JSON object");
    }
    String id = node.has("id") ? node.get("id").toString() : null;
    JsonNode url = node.get("url");
    if (url == null || !url.isTextual()) {
      return invalid(index, line, null, id, url == null ? "no \"url\"" : "\"url\" is not a string");
    }
    try {
      FetchRequest request =
          template.request(url.asText().strip(), method(node), headers(node), body(node));
      if (!RequestTemplate.METHODS.contains(request.method())) {
        throw new IllegalArgumentException("unknown method '" + request.method() + "'");
      }
      return InputLine.of(index, line, request, id);
    } catch (IllegalArgumentException e) {
      return invalid(index, line, url.asText().strip(), id, e.getMessage());
    }
  }

  private static InputLine invalid(long index, long line, String url, String id, String why) {
    return InputLine.invalid(index, line, url, id, why);
  }

  private static String method(JsonNode node) {
    JsonNode method = node.get("method");
    if (method == null || method.isNull()) {
      return null;
    }
    if (!method.isTextual()) {
      throw new IllegalArgumentException("\"method\" is not a string");
    }
    return method.asText();
  }

  private static List<Header> headers(JsonNode node) {
    JsonNode headers = node.get("headers");
    if (headers == null || headers.isNull()) {
      return List.of();
    }
    if (!headers.isObject()) {
      throw new IllegalArgumentException("\"headers\" is not an object");
    }
    List<Header> result = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = headers.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (!field.getValue().isTextual()) {
        throw new IllegalArgumentException("header \"" + field.getKey() + "\" is not a string");
      }
      result.add(new Header(field.getKey(), field.getValue().asText()));
    }
    return result;
  }

  private static ByteString body(JsonNode node) {
    JsonNode body = node.get("body");
    JsonNode base64 = node.get("body_base64");
    if (body != null && base64 != null) {
      throw new IllegalArgumentException("both \"body\" and \"body_base64\"");
    }
    if (body != null) {
      if (!body.isTextual()) {
        throw new IllegalArgumentException("\"body\" is not a string");
      }
      return ByteString.fromString(body.asText(), StandardCharsets.UTF_8);
    }
    if (base64 != null) {
      if (!base64.isTextual()) {
        throw new IllegalArgumentException("\"body_base64\" is not a string");
      }
      try {
        return ByteString.fromArray(Base64.getDecoder().decode(base64.asText()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("\"body_base64\" is not base64");
      }
    }
    return null;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "syntax error";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
