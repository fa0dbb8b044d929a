package io.fetchpipe.cli;

import io.fetchpipe.core.RateLimit;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@code fetchpipe fetch} was asked to do; null means "as configured".
 *
 * @param input the URL file, or null for standard input
 * @param concurrency max requests in flight
 * @param perHost max requests in flight per host
 * @param rate max request starts per unit
 * @param timeout per attempt
 * @param retries extra attempts after retryable failures
 * @param backoff base of the exponential backoff
 * @param inputOrder true for input order, false for completion order
 * @param failFast cancel the rest at the first error
 * @param raiseForStatus statuses of 400 or more are errors
 * @param maxBody largest body in bytes
 * @param maxRedirects redirects to follow
 * @param circuitBreaker consecutive failures that open a host's circuit (0: off)
 * @param circuitReset how long an open circuit stays open
 * @param output the result file, or null for standard output
 * @param resume keep the results already in the output file
 * @param progress progress bar on stderr
 * @param quiet no summary
 */
record FetchOptions(
    Path input,
    Integer concurrency,
    Integer perHost,
    RateLimit rate,
    Duration timeout,
    Integer retries,
    Duration backoff,
    boolean inputOrder,
    boolean failFast,
    boolean raiseForStatus,
    Long maxBody,
    Integer maxRedirects,
    Integer circuitBreaker,
    Duration circuitReset,
    Path output,
    boolean resume,
    boolean progress,
    boolean quiet) {}
