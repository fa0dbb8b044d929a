package io.fetchpipe.http;

import io.fetchpipe.core.ErrorKind;
import io.fetchpipe.core.RetryableFailure;
import io.fetchpipe.core.internal.Durations;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.Scheduler;
import org.apache.pekko.pattern.CircuitBreaker;
import org.apache.pekko.pattern.CircuitBreakerOpenException;

/**
 * One circuit breaker per host (Pekko's {@link CircuitBreaker}): after {@code maxFailures}
 * consecutive failures to a host (connect, timeout or io errors, or a 5xx status), its requests
 * fail at once with kind {@code circuit-open} until {@code resetTimeout} has passed; then one
 * trial request decides whether it closes again. Off when {@code maxFailures} is 0.
 */
final class HostBreakers {
  private final Scheduler scheduler;
  private final Executor executor;
  private final int maxFailures;
  private final Duration callTimeout;
  private final Duration resetTimeout;
  private final ConcurrentMap<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();

  HostBreakers(Scheduler scheduler, Executor executor, int maxFailures, Duration attemptTimeout, Duration resetTimeout) {
    this.scheduler = scheduler;
    this.executor = executor;
    this.maxFailures = maxFailures;
    // The attempt's own timeout decides; the breaker's only guards against a call that never ends.
    this.callTimeout = attemptTimeout.multipliedBy(2).plusSeconds(1);
    this.resetTimeout = resetTimeout;
  }

  /** Runs one attempt to {@code hostKey} through its breaker. */
  CompletionStage<FetchResult> call(String hostKey, int attempt, Supplier<CompletionStage<FetchResult>> request) {
    if (maxFailures == 0) {
      return request.get();
    }
    CircuitBreaker breaker = breakers.computeIfAbsent(hostKey,
        key -> CircuitBreaker.create(scheduler, maxFailures, callTimeout, resetTimeout));
    CompletableFuture<FetchResult> result = new CompletableFuture<>();
    breaker.<FetchResult>callWithCircuitBreakerCS(request::get, HostBreakers::isHostFailure)
        .whenCompleteAsync((value, error) -> {
          if (error == null) {
            result.complete(value);
          } else if (ErrorKind.unwrap(error) instanceof CircuitBreakerOpenException) {
            result.completeExceptionally(new FetchFailure(ErrorKind.CIRCUIT_OPEN,
                "circuit open for " + hostKey + " after " + maxFailures + " consecutive failures; next trial within "
                    + Durations.format(resetTimeout), attempt - 1, 0, null));
          } else {
            result.completeExceptionally(ErrorKind.unwrap(error));
          }
        }, executor);
    return result;
  }

  /** Whether an attempt's outcome says the host is in trouble. */
  private static Boolean isHostFailure(Optional<FetchResult> value, Optional<Throwable> error) {
    if (value.isPresent()) {
      return value.get().status() >= 500;
    }
    Throwable cause = error.map(ErrorKind::unwrap).orElse(null);
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
    return cause != null;
  }
}
