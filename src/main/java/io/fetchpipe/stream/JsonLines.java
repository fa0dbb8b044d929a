package io.fetchpipe.stream;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.http.FetchFailure;
import io.fetchpipe.http.FetchResult;
import io.fetchpipe.http.Fetched;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The output format: one JSON object per URL, one per line. Field order is fixed: {@code index,
 * line, url, ok, status, bytes, [final_url], elapsed_ms, attempts} for a response, and {@code
 * index, line, url, ok, [status], error{kind, message}, elapsed_ms, attempts} for an error
 * ({@code status} only for {@code http-status}).
 */
public final class JsonLines {
  private static final JsonFactory FACTORY = new JsonFactory();

  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(64 * 1024);

  /** The lines of several results, each ending with a line feed, as one block of UTF-8. */
  public byte[] encode(List<Fetched> results) {
    buffer.reset();
    try (JsonGenerator json = FACTORY.createGenerator(buffer, JsonEncoding.UTF8)) {
      json.setRootValueSeparator(null);
      for (Fetched result : results) {
        write(json, result);
        json.flush();
        buffer.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory: cannot happen
    }
    return buffer.toByteArray();
  }

  /** The line of one result, without the line feed. */
  public String encode(Fetched result) {
    byte[] line = encode(List.of(result));
    return new String(line, 0, line.length - 1, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void write(JsonGenerator json, Fetched fetched) throws IOException {
    Outcome<FetchResult> outcome = fetched.outcome();
    json.writeStartObject();
    json.writeNumberField("index", fetched.request().index());
    json.writeNumberField("line", fetched.request().line());
    json.writeStringField("url", fetched.request().url());
    if (outcome instanceof Outcome.Success<FetchResult> success) {
      FetchResult result = success.value();
      json.writeBooleanField("ok", true);
      json.writeNumberField("status", result.status());
      json.writeNumberField("bytes", result.bytes());
      if (result.finalUrl() != null) {
        json.writeStringField("final_url", result.finalUrl());
      }
      writeTiming(json, outcome, result.attempts());
    } else {
      Outcome.Failure<FetchResult> failure = (Outcome.Failure<FetchResult>) outcome;
      FetchFailure fetchFailure = failure.cause() instanceof FetchFailure f ? f : null;
      json.writeBooleanField("ok", false);
      if (fetchFailure != null && fetchFailure.status() > 0) {
        json.writeNumberField("status", fetchFailure.status());
      }
      json.writeObjectFieldStart("error");
      json.writeStringField("kind", failure.kind().wireName());
      json.writeStringField("message", failure.message());
      json.writeEndObject();
      writeTiming(json, outcome, attempts(failure, fetchFailure));
    }
    json.writeEndObject();
  }

  /** Attempts of a failure: as the fetch counted them, else 1 if it started at all. */
  private static int attempts(Outcome.Failure<FetchResult> failure, FetchFailure fetchFailure) {
    if (fetchFailure != null) {
      return fetchFailure.attempts();
    }
    return failure.startedAt().equals(failure.finishedAt()) ? 0 : 1;
  }

  /** elapsed_ms runs from the first request's start; with no request started it is 0. */
  private static void writeTiming(JsonGenerator json, Outcome<?> outcome, int attempts) throws IOException {
    long tenthsOfMillis = attempts == 0 ? 0 : Math.round(outcome.elapsed().toNanos() / 100_000.0);
    json.writeFieldName("elapsed_ms");
    json.writeNumber(tenthsOfMillis / 10.0);
    json.writeNumberField("attempts", attempts);
  }
}
