package io.fetchpipe.cli;

import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.core.RateLimit;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.PinnedAddress;
import java.time.Duration;
import java.util.List;

/**
 * The settings a {@code fetch} command line overrides; null means "as configured".
 *
 * @param concurrency max requests in flight
 * @param perHost max requests in flight per host
 * @param perHostRate max request starts per unit per host
 * @param rate max request starts per unit
 * @param timeout per attempt
 * @param retries extra attempts after retryable failures
 * @param backoff base of the exponential backoff
 * @param raiseForStatus statuses of 400 or more are errors
 * @param maxBody largest body in bytes
 * @param maxRedirects redirects to follow
 * @param circuitBreaker consecutive failures that open a host's circuit (0: off)
 * @param circuitReset how long an open circuit stays open
 * @param compressed ask for compressed bodies and decode them
 * @param hash add each body's SHA-256
 * @param resolve hosts whose connections go to a given address (empty: as configured)
 * @param network proxies and TLS, from the options and the environment
 * @param adaptive per-host limits follow what servers say
 * @param obeyRobots whether hosts' robots.txt is obeyed
 */
record Overrides(
    Integer concurrency,
    Integer perHost,
    RateLimit perHostRate,
    RateLimit rate,
    Duration timeout,
    Integer retries,
    Duration backoff,
    boolean raiseForStatus,
    Long maxBody,
    Integer maxRedirects,
    Integer circuitBreaker,
    Duration circuitReset,
    boolean compressed,
    boolean hash,
    List<PinnedAddress> resolve,
    NetworkOverrides network,
    boolean adaptive,
    Boolean obeyRobots) {

  /** {@code configured} with the pool's overrides applied. */
  PoolSettings apply(PoolSettings configured) {
    PoolSettings settings = configured;
    if (concurrency != null) {
      settings = settings.withMaxConcurrency(concurrency);
    }
    if (perHost != null) {
      settings = settings.withMaxPerKey(perHost);
    }
    if (perHostRate != null) {
      settings = settings.withMaxRatePerKey(perHostRate);
    }
    if (rate != null) {
      settings = settings.withRate(rate.withBurst(configured.rate().burst()));
    }
    if (retries != null) {
      settings = settings.withRetry(settings.retry().withMaxRetries(retries));
    }
    if (backoff != null) {
      settings = settings.withRetry(settings.retry().withBackoff(backoff));
    }
    if (adaptive) {
      settings = settings.withAdaptive(true);
    }
    return settings;
  }

  /** {@code configured} with the fetch's overrides applied. */
  FetchSettings apply(FetchSettings configured) {
    FetchSettings settings =
        configured
            .withRaiseForStatus(raiseForStatus || configured.raiseForStatus())
            .withCompressed(compressed || configured.compressed())
            .withSha256(hash || configured.sha256());
    if (timeout != null) {
      settings = settings.withTimeout(timeout);
    }
    if (maxBody != null) {
      settings = settings.withMaxBody(maxBody);
    }
    if (maxRedirects != null) {
      settings = settings.withMaxRedirects(maxRedirects);
    }
    if (circuitBreaker != null || circuitReset != null) {
      settings =
          settings.withCircuitBreaker(
              circuitBreaker != null ? circuitBreaker : settings.breakerMaxFailures(),
              circuitReset != null ? circuitReset : settings.breakerResetTimeout());
    }
    if (!resolve.isEmpty()) {
      settings = settings.withResolve(resolve);
    }
    if (obeyRobots != null) {
      settings = settings.withRobots(obeyRobots);
    }
    return network.apply(settings);
  }
}
