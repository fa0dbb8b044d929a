package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import org.apache.pekko.actor.Scheduler;
import org.apache.pekko.pattern.CircuitBreaker;

/**
 * One Pekko {@link CircuitBreaker} per host: after {@code maxFailures} consecutive failures to a
 * host its requests are refused at once until {@code resetTimeout} has passed on the actor system's
 * scheduler (so virtual time controls it); then one trial request decides whether it closes again.
 * Off when {@code maxFailures} is 0.
 *
 * <p>Each admitted request holds a {@link Ticket} and settles it before its outcome is reported, so
 * the next request to the host always sees the result: the ticket is the body of the breaker's
 * call, completed by the fetch, and the breaker counts it synchronously as it completes. The
 * breaker's own call timeout is off: the fetch's timeout is the attempt's one timer. A cancelled
 * request (not a timeout) says nothing about the host, which Pekko's breaker can only record as a
 * success.
 */
@InternalApi
public final class HostBreakers {
  /** Breakers kept before closed ones are forgotten (their counts restart). */
  private static final int MAX_HOSTS = 10_000;

  private static final Exception HOST_FAILED =
      new Exception("host failure", null, false, false) {
        private static final long serialVersionUID = 1L;
      };

  private final Scheduler scheduler;
  private final int maxFailures;
  private final Duration resetTimeout;
  private final ConcurrentMap<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
  private volatile Consumer<String> onOpen = host -> {};

  /** Breakers opening after {@code maxFailures} (0: never) for {@code resetTimeout}. */
  public HostBreakers(Scheduler scheduler, int maxFailures, Duration resetTimeout) {
    this.scheduler = scheduler;
    this.maxFailures = maxFailures;
    this.resetTimeout = resetTimeout;
  }

  /** Whether breakers are on. */
  public boolean enabled() {
    return maxFailures > 0;
  }

  /** How long an open breaker refuses requests. */
  public Duration resetTimeout() {
    return resetTimeout;
  }

  /**
   * Asks {@code hostKey}'s breaker to let one request through.
   *
   * @return the request's ticket, or null when the breaker is open (or half-open with its trial
   *     under way)
   */
  public Ticket admit(String hostKey) {
    if (!enabled()) {
      return Ticket.NONE;
    }
    if (breakers.size() > MAX_HOSTS) {
      breakers.values().removeIf(CircuitBreaker::isClosed);
    }
    CircuitBreaker breaker = breakers.computeIfAbsent(hostKey, this::breakerOf);
    Ticket ticket = new Ticket();
    breaker.callWithCircuitBreakerCS(
        () -> {
          ticket.admitted = true;
          return ticket.settled;
        });
    return ticket.admitted ? ticket : null;
  }

  private CircuitBreaker breakerOf(String hostKey) {
    CircuitBreaker breaker =
        CircuitBreaker.create(scheduler, maxFailures, Duration.ZERO, resetTimeout);
    breaker.addOnOpenListener(() -> onOpen.accept(hostKey));
    return breaker;
  }

  /**
   * Tells {@code listener} the host of every breaker that opens from now on (on the thread that
   * opens it).
   */
  public void onOpen(Consumer<String> listener) {
    onOpen = listener;
  }

  /** One request's passage through its host's breaker. */
  public static final class Ticket {
    static final Ticket NONE = new Ticket();

    private final CompletableFuture<Void> settled = new CompletableFuture<>();
    private boolean admitted;

    private Ticket() {}

    /** Records the request's result with the breaker (once; later calls do nothing). */
    public void settle(boolean hostFailed) {
      if (hostFailed) {
        settled.completeExceptionally(HOST_FAILED);
      } else {
        settled.complete(null);
      }
    }
  }
}
