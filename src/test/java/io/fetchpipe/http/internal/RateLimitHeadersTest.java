package io.fetchpipe.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fetchpipe.core.internal.HostFeedback;
import io.fetchpipe.http.Header;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The three rate-limit header forms, the first present winning. */
class RateLimitHeadersTest {
  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

  private static HostFeedback.Pacing read(String... namesAndValues) {
    List<Header> headers = new ArrayList<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      headers.add(new Header(namesAndValues[i], namesAndValues[i + 1]));
    }
    return RateLimitHeaders.read(headers, NOW);
  }

  private static HostFeedback.Pacing pacing(int remaining, Duration reset) {
    return new HostFeedback.Pacing(remaining, reset);
  }

  @Test
  void theStructuredFieldGivesRemainingAndResetAsParameters() {
    assertEquals(pacing(50, Duration.ofSeconds(30)), read("RateLimit", "\"default\";r=50;t=30"));
    assertEquals(pacing(0, Duration.ofSeconds(7)), read("ratelimit", "\"burst\";t=7;r=0"));
    assertEquals(
        pacing(3, Duration.ofMillis(1500)),
        read("RateLimit", "\"a\";q=9, \"b\";r=3;t=1.5"),
        "the first member with both parameters");
  }

  @Test
  void theRemainingAndResetPairGivesSeconds() {
    assertEquals(
        pacing(4, Duration.ofSeconds(2)), read("RateLimit-Remaining", "4", "RateLimit-Reset", "2"));
  }

  @Test
  void theXPairGivesSecondsOrAUnixTime() {
    assertEquals(
        pacing(9, Duration.ofSeconds(60)),
        read("X-RateLimit-Remaining", "9", "X-RateLimit-Reset", "60"));
    long inNinetySeconds = NOW.getEpochSecond() + 90;
    assertEquals(
        pacing(0, Duration.ofSeconds(90)),
        read("X-RateLimit-Remaining", "0", "X-RateLimit-Reset", Long.toString(inNinetySeconds)));
    assertEquals(
        pacing(0, Duration.ZERO),
        read(
            "X-RateLimit-Remaining",
            "0",
            "X-RateLimit-Reset",
            Long.toString(NOW.getEpochSecond() - 5)),
        "a reset in the past has happened");
  }

  @Test
  void theFirstFormPresentWins() {
    assertEquals(
        pacing(1, Duration.ofSeconds(1)),
        read(
            "X-RateLimit-Remaining",
            "7",
            "X-RateLimit-Reset",
            "70",
            "RateLimit-Remaining",
            "5",
            "RateLimit-Reset",
            "50",
            "RateLimit",
            "\"p\";r=1;t=1"));
    assertEquals(
        pacing(5, Duration.ofSeconds(50)),
        read(
            "X-RateLimit-Remaining",
            "7",
            "X-RateLimit-Reset",
            "70",
            "RateLimit-Remaining",
            "5",
            "RateLimit-Reset",
            "50"));
  }

  @Test
  void aFormThatCannotBeReadCountsAsAbsent() {
    assertEquals(
        pacing(7, Duration.ofSeconds(70)),
        read(
            "RateLimit",
            "\"p\";r=lots;t=1",
            "RateLimit-Remaining",
            "5",
            "X-RateLimit-Remaining",
            "7",
            "X-RateLimit-Reset",
            "70"),
        "half a pair, an unreadable field: the next form");
    assertNull(read("RateLimit-Remaining", "-1", "RateLimit-Reset", "5"));
    assertNull(read("RateLimit-Remaining", "3", "RateLimit-Reset", "soon"));
    assertNull(read("Retry-After", "5"));
  }
}
