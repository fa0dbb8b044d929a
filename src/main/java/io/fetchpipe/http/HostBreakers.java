package io.fetchpipe.http;

import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.RetryableFailure;
import io.fetchpipe.core.internal.Durations;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * One circuit breaker per host: after {@code maxFailures} consecutive failures to a host
 * (connect, timeout or io errors, or a 5xx status), its requests fail at once with kind {@code
 * circuit-open} until {@code resetTimeout} has passed; then one trial request decides whether it
 * closes again (success) or stays open for another period (failure). Off when {@code
 * maxFailures} is 0.
 *
 * <p>An attempt's result is counted before the attempt completes, so the next request to the
 * host always sees it.
 */
final class HostBreakers {
  private final int maxFailures;
  private final long resetNanos;
  private final Duration resetTimeout;
  private final ConcurrentMap<String, Breaker> breakers = new ConcurrentHashMap<>();

  HostBreakers(int maxFailures, Duration resetTimeout) {
    this.maxFailures = maxFailures;
    this.resetTimeout = resetTimeout;
    this.resetNanos = resetTimeout.toNanos();
  }

  /** Runs one attempt to {@code hostKey} through its breaker. */
  CompletionStage<FetchResult> call(String hostKey, int attempt, Supplier<CompletionStage<FetchResult>> request) {
    if (maxFailures == 0) {
      return request.get();
    }
    Breaker breaker = breakers.computeIfAbsent(hostKey, key -> new Breaker());
    if (!breaker.tryAcquire(System.nanoTime())) {
      return CompletableFuture.failedFuture(new FetchFailure(ErrorKind.CIRCUIT_OPEN,
          "circuit open for " + hostKey + " after " + maxFailures + " consecutive failures; next trial within "
              + Durations.format(resetTimeout), attempt - 1, 0, null));
    }
    CompletableFuture<FetchResult> result = new CompletableFuture<>();
    request.get().whenComplete((value, error) -> {
      if (ErrorKind.unwrap(error) instanceof java.util.concurrent.CancellationException) {
        breaker.release(); // cancelled by us (fail-fast, shutdown): says nothing about the host
      } else {
        breaker.record(!isHostFailure(value, error), System.nanoTime());
      }
      if (error == null) {
        result.complete(value);
      } else {
        result.completeExceptionally(ErrorKind.unwrap(error));
      }
    });
    return result;
  }

  /** Whether an attempt's outcome says the host is in trouble. */
  private static boolean isHostFailure(FetchResult value, Throwable error) {
    if (error == null) {
      return value.status() >= 500;
    }
    Throwable cause = ErrorKind.unwrap(error);
    if (cause instanceof RetryableFailure retryable) {
      if (retryable.finalValue() instanceof FetchResult result) {
        return result.status() >= 500;
      }
      cause = retryable.finalError();
    }
    if (cause instanceof FetchFailure failure) {
      return switch (failure.kind()) {
        case CONNECT, TIMEOUT, IO -> true;
        case HTTP_STATUS -> failure.status() >= 500;
        default -> false;
      };
    }
    return true;
  }

  /** Closed, open until a time, or half-open with one trial in flight. */
  private final class Breaker {
    private int consecutiveFailures;
    private long openUntil;
    private boolean open;
    private boolean trialInFlight;

    synchronized boolean tryAcquire(long now) {
      if (!open) {
        return true;
      }
      if (now - openUntil < 0 || trialInFlight) {
        return false;
      }
      trialInFlight = true; // half-open: this request is the trial
      return true;
    }

    synchronized void release() {
      trialInFlight = false;
    }

    synchronized void record(boolean success, long now) {
      if (success) {
        consecutiveFailures = 0;
        open = false;
        trialInFlight = false;
        return;
      }
      consecutiveFailures++;
      if (trialInFlight || consecutiveFailures >= maxFailures) {
        open = true;
        trialInFlight = false;
        openUntil = now + resetNanos;
      }
    }
  }
}
