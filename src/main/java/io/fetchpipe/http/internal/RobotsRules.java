package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.internal.HostRules;
import io.fetchpipe.http.FetchErrorKind;
import io.fetchpipe.http.FetchFailure;
import io.fetchpipe.http.FetchRequest;
import java.time.Duration;
import java.util.List;

/**
 * What a host's robots.txt allows fetchpipe: its {@code Allow} and {@code Disallow} rules, the
 * longest matching pattern deciding (an {@code Allow} winning a tie, as RFC 9309 says) and no match
 * allowing; {@code /robots.txt} itself is always allowed. Or, when the file could not be had,
 * everything ({@link #allowAll()}, a 4xx answer) or nothing ({@link #disallowAll}, a 5xx answer or
 * no answer at all).
 *
 * @param rules the rules of the groups chosen for fetchpipe, patterns percent-encoded as sent
 * @param crawlDelay the least time between two starts to the host ({@link Duration#ZERO}: none)
 * @param disallowedBecause why everything is disallowed, or null when the rules decide
 */
@InternalApi
public record RobotsRules(List<Rule> rules, Duration crawlDelay, String disallowedBecause)
    implements HostRules {
  private static final RobotsRules ALLOW_ALL = new RobotsRules(List.of(), Duration.ZERO, null);

  /**
   * One rule.
   *
   * @param allow whether it allows (else it disallows)
   * @param pattern the path pattern, with {@code *} for any characters and a final {@code $} for
   *     the end
   */
  public record Rule(boolean allow, String pattern) {}

  /** Checks the fields. */
  public RobotsRules {
    rules = List.copyOf(rules);
  }

  /** Everything allowed. */
  public static RobotsRules allowAll() {
    return ALLOW_ALL;
  }

  /** Everything disallowed, for {@code reason}. */
  public static RobotsRules disallowAll(String reason) {
    return new RobotsRules(List.of(), Duration.ZERO, reason);
  }

  @Override
  public boolean allows(Object request) {
    String pathAndQuery;
    try {
      pathAndQuery = TargetUrl.parse(((FetchRequest) request).url()).pathAndQuery();
    } catch (FetchFailure invalid) {
      return true; // not a URL: it fails as such, robots or not
    }
    return allowsPath(pathAndQuery);
  }

  /** Whether the path and query (as sent) may be fetched. */
  public boolean allowsPath(String pathAndQuery) {
    if (pathAndQuery.equals("/robots.txt")) {
      return true;
    }
    if (disallowedBecause != null) {
      return false;
    }
    String path = RobotsTxt.encoded(pathAndQuery);
    Rule best = null;
    for (Rule rule : rules) {
      if (matches(rule.pattern(), path)
          && (best == null
              || rule.pattern().length() > best.pattern().length()
              || (rule.pattern().length() == best.pattern().length() && rule.allow()))) {
        best = rule;
      }
    }
    return best == null || best.allow();
  }

  @Override
  public Throwable refusal(Object request) {
    String why =
        disallowedBecause != null ? disallowedBecause : "disallowed by the host's robots.txt";
    return new FetchFailure(FetchErrorKind.ROBOTS, why, 0);
  }

  /**
   * Whether {@code pattern} matches the start of {@code path} ({@code *}: any characters; a final
   * {@code $}: the end of the path).
   */
  static boolean matches(String pattern, String path) {
    boolean anchored = pattern.endsWith("$");
    return wildcard(anchored ? pattern.substring(0, pattern.length() - 1) : pattern + "*", path);
  }

  /**
   * Whether the whole of {@code text} matches {@code pattern}, in linear time for common patterns.
   */
  private static boolean wildcard(String pattern, String text) {
    int p = 0;
    int t = 0;
    int star = -1;
    int resume = 0;
    while (t < text.length()) {
      if (p < pattern.length() && pattern.charAt(p) == '*') {
        star = p++;
        resume = t;
      } else if (p < pattern.length() && pattern.charAt(p) == text.charAt(t)) {
        p++;
        t++;
      } else if (star >= 0) {
        p = star + 1;
        t = ++resume;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }
}
