package io.fetchpipe.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.RetryableFailure;
import io.fetchpipe.core.internal.HostFeedback;
import io.fetchpipe.http.FetchErrorKind;
import io.fetchpipe.http.FetchFailure;
import io.fetchpipe.http.FetchRequest;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.Header;
import io.fetchpipe.http.ResponseBody;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the fetcher's router reads from outcomes: feedback about hosts, and robots.txt rules. */
class HttpHostPolicyTest {
  private static final Instant NOW = Instant.now();
  private static final HttpHostPolicy POLICY =
      new HttpHostPolicy(FetchSettings.create(ConfigFactory.load()).withRobots(true));

  private static FetchResponse response(int status, String body, Header... headers) {
    return new FetchResponse(
        status,
        List.of(headers),
        null,
        null,
        1,
        body.length(),
        null,
        new ResponseBody.Text(body, "UTF-8"));
  }

  private static Outcome<FetchResponse> answered(FetchResponse response) {
    return Outcome.success(0, response, NOW, NOW);
  }

  private static Outcome<FetchResponse> failed(Throwable error) {
    return Outcome.failure(0, error, NOW, NOW);
  }

  @Test
  void hostsAreTheKeys() {
    assertEquals("http://h.example:80", POLICY.apply(FetchRequest.get("http://H.example/a?b")));
    assertNull(POLICY.apply(FetchRequest.get("htp://bad")));
  }

  @Test
  void a429Or503IsThrottlingWithItsRetryAfter() {
    HostFeedback throttled =
        POLICY.feedback(answered(response(429, "", new Header("Retry-After", "7"))));
    assertEquals(HostFeedback.Signal.THROTTLED, throttled.signal());
    assertEquals(Duration.ofSeconds(7), throttled.pause());

    // A throttled answer kept for a retry, as the router gets it.
    HostFeedback kept =
        POLICY.feedback(failed(RetryableFailure.succeeding(response(503, ""), "status 503", null)));
    assertEquals(HostFeedback.Signal.THROTTLED, kept.signal());
    assertNull(kept.pause());
  }

  @Test
  void anyOtherAnswerIsAnAnswerWithItsRateLimitWindow() {
    HostFeedback feedback =
        POLICY.feedback(answered(response(404, "", new Header("RateLimit", "\"p\";r=2;t=9"))));
    assertEquals(HostFeedback.Signal.ANSWERED, feedback.signal());
    assertEquals(new HostFeedback.Pacing(2, Duration.ofSeconds(9)), feedback.pacing());
    assertNull(feedback.pause(), "Retry-After counts on 429 and 503 only");

    FetchFailure raised =
        new FetchFailure(FetchErrorKind.HTTP_STATUS, "status 500", 1, response(500, ""), null);
    assertEquals(HostFeedback.Signal.ANSWERED, POLICY.feedback(failed(raised)).signal());
  }

  @Test
  void timeoutsAndConnectFailuresAreUnreachedAndTheRestSaysNothing() {
    FetchFailure timeout = new FetchFailure(ErrorKind.TIMEOUT, "timed out after 1s", 1);
    assertEquals(
        HostFeedback.Signal.UNREACHED,
        POLICY.feedback(failed(RetryableFailure.failing(timeout, null))).signal());
    FetchFailure connect = new FetchFailure(FetchErrorKind.CONNECT, "refused", 1);
    assertEquals(
        HostFeedback.Signal.UNREACHED,
        POLICY.feedback(failed(RetryableFailure.failing(connect, null))).signal());
    FetchFailure io = new FetchFailure(FetchErrorKind.IO, "reset", 1);
    assertEquals(
        HostFeedback.Signal.NONE,
        POLICY.feedback(failed(RetryableFailure.failing(io, null))).signal());
    assertEquals(
        HostFeedback.Signal.NONE,
        POLICY
            .feedback(Outcome.failure(0, ErrorKind.CANCELLED, "cancelled", null, NOW, NOW))
            .signal());
  }

  @Test
  void theProbeOfAHostIsItsRobotsTxtMarkedAsSuch() {
    FetchRequest probe = (FetchRequest) POLICY.probe("https://h.example:443");
    assertEquals("https://h.example:443/robots.txt", probe.url());
    assertTrue(HttpHostPolicy.isProbe(probe));
    assertFalse(HttpHostPolicy.isProbe(FetchRequest.get("https://h.example/robots.txt")));
  }

  @Test
  void robotsTxtRulesFollowTheAnswer() {
    assertFalse(
        POLICY
            .rules(answered(response(200, "User-agent: *\nDisallow: /x\n")))
            .allows(FetchRequest.get("http://h/x")));
    assertTrue(
        POLICY
            .rules(answered(response(404, "User-agent: *\nDisallow: /\n")))
            .allows(FetchRequest.get("http://h/x")));
    assertTrue(POLICY.rules(answered(response(301, ""))).allows(FetchRequest.get("http://h/x")));
    assertFalse(POLICY.rules(answered(response(503, ""))).allows(FetchRequest.get("http://h/x")));
    assertFalse(
        POLICY
            .rules(failed(new FetchFailure(FetchErrorKind.CONNECT, "refused", 1)))
            .allows(FetchRequest.get("http://h/x")));
    // A retried 5xx keeps its answer in the failure: still a 5xx.
    assertFalse(
        POLICY
            .rules(failed(RetryableFailure.succeeding(response(503, ""), "status 503", null)))
            .allows(FetchRequest.get("http://h/x")));
  }
}
