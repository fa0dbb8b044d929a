package io.fetchpipe.http.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/** Reads a {@code Retry-After} header: delay-seconds or an HTTP date. */
final class RetryAfter {
  private RetryAfter() {}

  /** The requested wait, or null when the header is missing or unreadable. */
  static Duration of(HttpResponse response, Instant now) {
    Optional<String> value = response.getHeader("Retry-After").map(h -> h.value().trim());
    return value.map(text -> parse(text, now)).orElse(null);
  }

  static Duration parse(String text, Instant now) {
    try {
      long seconds = Long.parseLong(text);
      return seconds < 0 ? null : Duration.ofSeconds(seconds);
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration wait = Duration.between(now, at);
        return wait.isNegative() ? Duration.ZERO : wait;
      } catch (DateTimeParseException notADate) {
        return null;
      }
    }
  }
}
