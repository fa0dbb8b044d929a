package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.RetryableFailure;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * One part of fetchpipe that metrics can watch: a pool's router, a pipeline run, a node's workers
 * for a pool of another node, or a fetcher's connections. Its owner tells it what happens (starts,
 * outcomes, breaker opens) and publishes its gauges; whoever observes it (see {@link Parts}) hears
 * of it through a {@link PartObserver.Listener}. With no observer, each call is a loop over an
 * empty array: a part costs nothing measurable when no metrics are bound, and no class here refers
 * to a metrics library.
 */
@InternalApi
public final class Part {
  private static final PartObserver.Listener[] NONE = new PartObserver.Listener[0];

  /** What kind of part it is: each kind has its own meters. */
  public enum Kind {
    /** A pool's router: in flight and queued jobs, starts, final outcomes. */
    POOL("pool", true),
    /** A producer/consumer pipeline run: items consumed now, the producer's backlog, outcomes. */
    PIPELINE("pipeline", true),
    /** This node's workers for a pool whose router is on another node (or this one): attempts. */
    WORKERS("workers", false),
    /** A fetcher's (or a node's) connections to hosts and its per-host circuit breakers. */
    CONNECTIONS("http", false);

    private final String prefix;
    private final boolean queues;

    Kind(String prefix, boolean queues) {
      this.prefix = prefix;
      this.queues = queues;
    }

    /** The meter names' prefix after {@code fetchpipe.}. */
    public String prefix() {
      return prefix;
    }

    /** Whether the part has a queue to report. */
    public boolean queues() {
      return queues;
    }
  }

  private final Kind kind;
  private final String name;
  private final IntSupplier openConnections;
  private final Parts owner;
  private final AtomicInteger running = new AtomicInteger();
  private volatile int inFlight;
  private volatile int queued;
  private volatile PartObserver.Listener[] listeners = NONE;

  Part(Parts owner, Kind kind, String name, IntSupplier openConnections) {
    this.owner = owner;
    this.kind = kind;
    this.name = name;
    this.openConnections = openConnections;
  }

  /** A part nobody watches, for owners that are not registered (tests, internal helpers). */
  public static Part unobserved(Kind kind, String name) {
    return new Part(null, kind, name, () -> 0);
  }

  public Kind kind() {
    return kind;
  }

  /** The part's name (a pool's name, say), unique among the live parts of its kind. */
  public String name() {
    return name;
  }

  /** Something started: a job's attempt, a pipeline's item. */
  public void started() {
    if (kind == Kind.WORKERS) {
      running.incrementAndGet();
    }
    for (PartObserver.Listener listener : listeners) {
      listener.started();
    }
  }

  /**
   * An outcome: a job's (or item's) final one, or for {@link Kind#WORKERS} an attempt's, told as
   * what it would be as the last attempt (a retryable 503 is a response with status 503).
   */
  public void finished(Outcome<?> outcome) {
    Outcome<?> told = outcome;
    if (kind == Kind.WORKERS) {
      running.decrementAndGet();
      if (outcome instanceof Outcome.Failure<?> failure
          && failure.cause() instanceof RetryableFailure retryable) {
        told = ThrottlingRouter.finalOutcome(failure, retryable);
      }
    }
    for (PartObserver.Listener listener : listeners) {
      listener.finished(told);
    }
  }

  /** The circuit breaker of {@code host} opened. */
  public void breakerOpened(String host) {
    for (PartObserver.Listener listener : listeners) {
      listener.breakerOpened(host);
    }
  }

  /** Publishes the gauges (by the part's owner, from its one thread at a time). */
  public void gauges(int inFlightNow, int queuedNow) {
    if (inFlight != inFlightNow) {
      inFlight = inFlightNow;
    }
    if (queued != queuedNow) {
      queued = queuedNow;
    }
  }

  /**
   * Jobs or items in flight: as published, or for {@link Kind#WORKERS} those started and not
   * finished.
   */
  public int inFlight() {
    return kind == Kind.WORKERS ? running.get() : inFlight;
  }

  /** Jobs or items waiting, as published. */
  public int queued() {
    return queued;
  }

  /** Connections open now (for {@link Kind#CONNECTIONS}). */
  public int openConnections() {
    return openConnections.getAsInt();
  }

  /** The part is gone: its observers drop it (and their meters of it). Idempotent. */
  public void close() {
    if (owner != null) {
      owner.remove(this);
    }
  }

  synchronized void listen(PartObserver.Listener listener) {
    PartObserver.Listener[] more = Arrays.copyOf(listeners, listeners.length + 1);
    more[listeners.length] = listener;
    listeners = more;
  }

  synchronized void unlisten(PartObserver.Listener listener) {
    listeners =
        Arrays.stream(listeners).filter(l -> l != listener).toArray(PartObserver.Listener[]::new);
  }
}
