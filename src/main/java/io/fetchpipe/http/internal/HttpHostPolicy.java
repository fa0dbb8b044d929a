package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.RetryableFailure;
import io.fetchpipe.core.internal.HostFeedback;
import io.fetchpipe.core.internal.HostPolicy;
import io.fetchpipe.core.internal.HostRules;
import io.fetchpipe.http.FetchErrorKind;
import io.fetchpipe.http.FetchFailure;
import io.fetchpipe.http.FetchRequest;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.Header;
import io.fetchpipe.http.ReadAs;
import io.fetchpipe.http.ResponseBody;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a fetch pool's router learns from fetches, per host (scheme, host and port): a response's
 * status, {@code Retry-After} and rate-limit headers ({@link RateLimitHeaders}), a timeout or a
 * connect failure; and, when robots.txt is obeyed, each host's robots.txt, fetched as the host's
 * probe (a request marked with {@link #ROBOTS_PROBE_ID}, whose body the handler reads up to {@link
 * RobotsTxt#MAX_BYTES}). Everything is read from the outcomes themselves, so it works the same
 * whichever node fetched.
 */
@InternalApi
public final class HttpHostPolicy implements HostPolicy {
  /** The id that marks a robots.txt probe (ids are never sent). */
  public static final String ROBOTS_PROBE_ID = "fetchpipe:robots.txt";

  private final boolean obeyRobots;
  private final int robotsMaxHosts;

  /** The policy of a pool fetching with {@code settings}. */
  public HttpHostPolicy(FetchSettings settings) {
    this.obeyRobots = settings.obeysRobots();
    this.robotsMaxHosts = settings.robotsMaxHosts();
  }

  @Override
  public Object apply(Object request) {
    return TargetUrl.hostKeyOrNull(((FetchRequest) request).url());
  }

  @Override
  public HostFeedback feedback(Outcome<?> outcome) {
    FetchResponse response = responseOf(outcome);
    if (response != null) {
      return feedback(response.status(), response.headers(), Instant.now());
    }
    ErrorKind kind = outcome instanceof Outcome.Failure<?> failure ? failure.kind() : null;
    return ErrorKind.TIMEOUT.equals(kind) || FetchErrorKind.CONNECT.equals(kind)
        ? new HostFeedback(HostFeedback.Signal.UNREACHED, null, null)
        : HostFeedback.NONE;
  }

  /** What a response with {@code status} and {@code headers}, arrived at {@code now}, says. */
  public static HostFeedback feedback(int status, List<Header> headers, Instant now) {
    boolean throttled = status == 429 || status == 503;
    Duration pause = null;
    if (throttled) {
      for (Header header : headers) {
        if (header.is("Retry-After")) {
          pause = RetryAfter.parse(header.value().trim(), now);
          break;
        }
      }
    }
    return new HostFeedback(
        throttled ? HostFeedback.Signal.THROTTLED : HostFeedback.Signal.ANSWERED,
        pause,
        RateLimitHeaders.read(headers, now));
  }

  /** The response an outcome carries, whether it is a result or a failure that kept one. */
  private static FetchResponse responseOf(Outcome<?> outcome) {
    if (outcome instanceof Outcome.Success<?> success) {
      return success.value() instanceof FetchResponse response ? response : null;
    }
    Throwable cause = ((Outcome.Failure<?>) outcome).cause();
    if (cause instanceof RetryableFailure retryable) {
      if (retryable.finalValue() instanceof FetchResponse response) {
        return response;
      }
      cause = retryable.finalError();
    }
    return cause instanceof FetchFailure failure ? failure.response() : null;
  }

  @Override
  public boolean firstStartAlone() {
    return true;
  }

  @Override
  public boolean probes() {
    return obeyRobots;
  }

  @Override
  public Object probe(Object key) {
    return new FetchRequest(
        key + "/robots.txt", "GET", List.of(), null, ROBOTS_PROBE_ID, ReadAs.text());
  }

  /** Whether {@code request} is a robots.txt probe. */
  public static boolean isProbe(FetchRequest request) {
    return ROBOTS_PROBE_ID.equals(request.id());
  }

  @Override
  public HostRules rules(Outcome<?> probeOutcome) {
    FetchResponse response = responseOf(probeOutcome);
    if (response == null) {
      return RobotsRules.disallowAll(
          "robots.txt could not be fetched ("
              + (probeOutcome instanceof Outcome.Failure<?> failure
                  ? failure.kind() + ": " + failure.message()
                  : "no answer")
              + "): everything is disallowed");
    }
    return rules(response);
  }

  /** What a robots.txt response allows: 2xx its rules, 4xx everything, anything else nothing. */
  static RobotsRules rules(FetchResponse response) {
    int status = response.status();
    if (status >= 200 && status < 300) {
      return response.body() instanceof ResponseBody.Text text
          ? RobotsTxt.parse(text.text())
          : RobotsRules.allowAll();
    }
    if (status >= 400 && status < 500) {
      return RobotsRules.allowAll();
    }
    if (status >= 300 && status < 400) {
      return RobotsRules
          .allowAll(); // a redirect not followed: the file is unavailable, as for a 4xx
    }
    return RobotsRules.disallowAll("robots.txt answered " + status + ": everything is disallowed");
  }

  @Override
  public int maxRuleKeys() {
    return robotsMaxHosts;
  }
}
