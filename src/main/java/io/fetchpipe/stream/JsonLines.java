package io.fetchpipe.stream;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.http.FetchErrorKind;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.Header;
import io.fetchpipe.http.ResponseBody;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.pekko.util.ByteString;

/**
 * The output format: one JSON object per request, one per line. Field order is fixed: {@code index,
 * line, [id], url, ok, status, bytes, [final_url], elapsed_ms, attempts} for a response and {@code
 * index, line, [id], url, ok, [status], error{kind, message}, elapsed_ms, attempts} for an error;
 * then, on every line with a response (an error such as {@code http-status} may have one), {@code
 * [content_type], [sha256], [file], [headers], [body]}, each only when there is something to say or
 * it was asked for.
 *
 * <p>An instance keeps a buffer: use one per stream materialization (or thread).
 */
public final class JsonLines {
  private static final JsonFactory FACTORY = new JsonFactory();
  private static final ObjectMapper JSON = new ObjectMapper(FACTORY);

  /** What to put of the body into each line. */
  public enum BodyField {
    /** Nothing. */
    NONE,
    /** The body as text (it was read as text). */
    TEXT,
    /** The body's bytes in base64. */
    BASE64,
    /**
     * The body parsed as JSON and embedded; a body that is not JSON makes the line a {@code decode}
     * error.
     */
    JSON
  }

  /**
   * What the lines include beyond the fixed fields.
   *
   * @param headers add {@code headers}: names lowercase, repeated ones joined with {@code ", "}
   * @param body what of the body to add
   */
  public record Options(boolean headers, BodyField body) {
    /** Only the fixed fields (and those the response brings: content type, hash, file). */
    public static final Options PLAIN = new Options(false, BodyField.NONE);

    /** Checks the body field is given. */
    public Options {
      Objects.requireNonNull(body, "body");
    }
  }

  /**
   * Encoded lines and which of them say ok.
   *
   * @param bytes the lines, each ending with a line feed, as UTF-8
   * @param ok per line: whether it is an ok line
   */
  public record Encoded(byte[] bytes, boolean[] ok) {}

  private final Options options;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(64 * 1024);

  /** An encoder with {@code options}. */
  public JsonLines(Options options) {
    this.options = options;
  }

  /** An encoder of the fixed fields only. */
  public JsonLines() {
    this(Options.PLAIN);
  }

  /** The lines of several results as one block of UTF-8, and which are ok. */
  public Encoded encode(List<ResultLine> results) {
    buffer.reset();
    boolean[] ok = new boolean[results.size()];
    try (JsonGenerator json = FACTORY.createGenerator(buffer, JsonEncoding.UTF8)) {
      json.setRootValueSeparator(null);
      for (int i = 0; i < results.size(); i++) {
        ok[i] = write(json, results.get(i));
        json.flush();
        buffer.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory: cannot happen
    }
    return new Encoded(buffer.toByteArray(), ok);
  }

  /** The line of one result, without the line feed. */
  public String encode(ResultLine result) {
    byte[] line = encode(List.of(result)).bytes();
    return new String(line, 0, line.length - 1, StandardCharsets.UTF_8);
  }

  /** Writes one line; true when it is an ok line. */
  private boolean write(JsonGenerator json, ResultLine result) throws IOException {
    InputLine input = result.input();
    Outcome<FetchResponse> outcome = result.outcome();
    json.writeStartObject();
    json.writeNumberField("index", input.index());
    json.writeNumberField("line", input.line());
    if (input.id() != null) {
      json.writeFieldName("id");
      json.writeRawValue(input.id());
    }
    if (input.url() != null) {
      json.writeStringField("url", input.url());
    }
    if (input.invalid() != null) {
      writeError(json, null, FetchErrorKind.INVALID_REQUEST.wireName(), input.invalid());
      writeTiming(json, 0, 0);
      json.writeEndObject();
      return false;
    }
    boolean ok;
    FetchResponse response;
    if (outcome instanceof Outcome.Success<FetchResponse> success) {
      response = success.value();
      JsonNode parsed = options.body() == BodyField.JSON ? parseJson(response) : null;
      ok = options.body() != BodyField.JSON || parsed != null;
      if (ok) {
        json.writeBooleanField("ok", true);
        json.writeNumberField("status", response.status());
        json.writeNumberField("bytes", response.bytes());
        if (response.finalUrl() != null) {
          json.writeStringField("final_url", response.finalUrl());
        }
      } else {
        writeError(json, response, FetchErrorKind.DECODE.wireName(), "body is not JSON");
      }
      writeTiming(json, result.elapsedMillis(), result.attempts());
      writeResponse(json, response, ok ? parsed : null, ok);
    } else {
      Outcome.Failure<FetchResponse> failure = (Outcome.Failure<FetchResponse>) outcome;
      response = result.response();
      ok = false;
      writeError(json, response, failure.kind().wireName(), failure.message());
      writeTiming(json, result.elapsedMillis(), result.attempts());
      if (response != null) {
        writeResponse(json, response, null, false);
      }
    }
    json.writeEndObject();
    return ok;
  }

  private static void writeError(
      JsonGenerator json, FetchResponse response, String kind, String message) throws IOException {
    json.writeBooleanField("ok", false);
    if (response != null) {
      json.writeNumberField("status", response.status());
    }
    json.writeObjectFieldStart("error");
    json.writeStringField("kind", kind);
    json.writeStringField("message", message);
    json.writeEndObject();
  }

  /** The fields a response brings: content type, hash, file, and what the options ask for. */
  private void writeResponse(
      JsonGenerator json, FetchResponse response, JsonNode parsed, boolean withBody)
      throws IOException {
    if (response.contentType() != null) {
      json.writeStringField("content_type", response.contentType());
    }
    if (response.sha256() != null) {
      json.writeStringField("sha256", response.sha256());
    }
    if (response.body() instanceof ResponseBody.Saved saved) {
      json.writeStringField("file", saved.file().toString());
    }
    if (options.headers()) {
      json.writeObjectFieldStart("headers");
      for (Map.Entry<String, String> header : joined(response.headers()).entrySet()) {
        json.writeStringField(header.getKey(), header.getValue());
      }
      json.writeEndObject();
    }
    if (withBody) {
      writeBody(json, response, parsed);
    }
  }

  private void writeBody(JsonGenerator json, FetchResponse response, JsonNode parsed)
      throws IOException {
    switch (options.body()) {
      case TEXT -> json.writeStringField("body", text(response.body()));
      case BASE64 ->
          json.writeStringField("body", Base64.getEncoder().encodeToString(bytes(response.body())));
      case JSON -> {
        json.writeFieldName("body");
        JSON.writeTree(json, parsed);
      }
      default -> {}
    }
  }

  private static JsonNode parseJson(FetchResponse response) {
    byte[] bytes = bytes(response.body());
    if (bytes.length == 0) {
      return null;
    }
    try {
      return JSON.readTree(bytes);
    } catch (IOException notJson) {
      return null;
    }
  }

  private static String text(ResponseBody body) {
    return body instanceof ResponseBody.Text text
        ? text.text()
        : new String(bytes(body), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(ResponseBody body) {
    if (body instanceof ResponseBody.InMemory memory) {
      return memory.bytes().toArray();
    }
    if (body instanceof ResponseBody.Text text) {
      return ByteString.fromString(text.text(), text.charset()).toArray();
    }
    return new byte[0];
  }

  /** Header names lowercase; repeated names joined with {@code ", "}. */
  private static Map<String, String> joined(List<Header> headers) {
    Map<String, String> joined = new LinkedHashMap<>();
    for (Header header : headers) {
      joined.merge(
          header.name().toLowerCase(Locale.ROOT),
          header.value(),
          (first, next) -> first + ", " + next);
    }
    return joined;
  }

  private static void writeTiming(JsonGenerator json, double elapsedMillis, int attempts)
      throws IOException {
    json.writeFieldName("elapsed_ms");
    json.writeNumber(elapsedMillis);
    json.writeNumberField("attempts", attempts);
  }
}
