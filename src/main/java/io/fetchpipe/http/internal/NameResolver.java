package io.fetchpipe.http.internal;

import io.fetchpipe.InternalApi;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Host names to addresses, the way the system resolves them ({@code /etc/hosts}, DNS, whatever the
 * system is set up with), without blocking the caller: the JDK's resolver blocks, so lookups run on
 * a few threads of their own, never on an actor's or a stream's. Answers are kept for {@code ttl},
 * failures for {@code failureTtl}; concurrent lookups of one name share one. IP literals need no
 * lookup and are answered at once.
 *
 * <p>A name that does not resolve fails with an {@link UnknownHostException} whose message starts
 * with the name (kind {@code connect}). Expired answers are dropped by {@link #sweep()}, so memory
 * holds only the names looked up within the last {@code ttl}.
 */
@InternalApi
public final class NameResolver {
  private static final AtomicInteger RESOLVERS = new AtomicInteger();
  private static final Duration THREAD_KEEP_ALIVE = Duration.ofSeconds(5);

  private final Lookup lookup;
  private final LongSupplier clock;
  private final long ttlNanos;
  private final long failureTtlNanos;
  private final ThreadPoolExecutor lookups;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();

  /** One cached (or pending) answer; {@code expires} is set once it has come. */
  private static final class Answer {
    final CompletableFuture<InetAddress> address = new CompletableFuture<>();
    volatile long expires = Long.MAX_VALUE;

    boolean expired(long now) {
      return address.isDone() && now - expires >= 0;
    }
  }

  /** How a name is looked up: blocking, on a lookup thread. */
  @FunctionalInterface
  public interface Lookup {
    /** The address of {@code host}. */
    InetAddress addressOf(String host) throws UnknownHostException;
  }

  /**
   * A resolver asking the system ({@link InetAddress#getByName}), keeping answers for {@code ttl}
   * and failures for {@code failureTtl}, looking names up on at most {@code threads} threads (they
   * end when idle for a few seconds).
   */
  public NameResolver(Duration ttl, Duration failureTtl, int threads) {
    this(InetAddress::getByName, System::nanoTime, ttl, failureTtl, threads);
  }

  /** A resolver asking {@code lookup}, telling time by {@code clock} (nanoseconds): for tests. */
  public NameResolver(
      Lookup lookup, LongSupplier clock, Duration ttl, Duration failureTtl, int threads) {
    this.lookup = lookup;
    this.clock = clock;
    this.ttlNanos = ttl.toNanos();
    this.failureTtlNanos = failureTtl.toNanos();
    String prefix = "fetchpipe-names-" + RESOLVERS.incrementAndGet() + "-";
    AtomicInteger count = new AtomicInteger();
    ThreadFactory factory =
        task -> {
          Thread thread = new Thread(task, prefix + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        };
    this.lookups =
        new ThreadPoolExecutor(
            threads,
            threads,
            THREAD_KEEP_ALIVE.toMillis(),
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            factory);
    lookups.allowCoreThreadTimeOut(true);
  }

  /** The address of {@code host} (as a URL gives it: lowercase ASCII, IPv6 in brackets). */
  public CompletionStage<InetAddress> resolve(String host) {
    if (isLiteral(host)) {
      return literal(host);
    }
    long now = clock.getAsLong();
    Answer answer = answers.get(host);
    if (answer != null && !answer.expired(now)) {
      return answer.address;
    }
    Answer fresh = new Answer();
    Answer existing =
        answer == null
            ? answers.putIfAbsent(host, fresh)
            : answers.replace(host, answer, fresh) ? null : answers.get(host);
    if (existing != null) {
      return existing.address; // another caller started the lookup first
    }
    try {
      lookups.execute(new Pending(host, fresh));
    } catch (RuntimeException rejected) { // closed
      answers.remove(host, fresh);
      fresh.address.completeExceptionally(closed(host));
    }
    return fresh.address;
  }

  /** One name's lookup, on a lookup thread. */
  private final class Pending implements Runnable {
    final String host;
    final Answer answer;

    Pending(String host, Answer answer) {
      this.host = host;
      this.answer = answer;
    }

    @Override
    public void run() {
      try {
        InetAddress address = lookup.addressOf(host);
        answer.expires = clock.getAsLong() + ttlNanos;
        answer.address.complete(address);
      } catch (UnknownHostException | RuntimeException e) {
        answer.expires = clock.getAsLong() + failureTtlNanos;
        answer.address.completeExceptionally(unknown(host, e));
      }
    }
  }

  private static UnknownHostException closed(String host) {
    return new UnknownHostException(host + ": not looked up, the fetcher was closed");
  }

  /** The JDK's message names the host only sometimes; this one always starts with it. */
  private static UnknownHostException unknown(String host, Exception cause) {
    String reason = cause.getMessage();
    String message =
        reason == null || reason.isBlank() || reason.equals(host)
            ? host
            : reason.startsWith(host) ? reason : host + ": " + reason;
    UnknownHostException unknown = new UnknownHostException(message);
    unknown.initCause(cause);
    return unknown;
  }

  private static boolean isLiteral(String host) {
    if (host.startsWith("[")) {
      return true;
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if ((c < '0' || c > '9') && c != '.') {
        return false;
      }
    }
    return true;
  }

  private static CompletionStage<InetAddress> literal(String host) {
    try {
      return CompletableFuture.completedFuture(
          InetAddress.getByName(host)); // a literal: parsed, not looked up
    } catch (UnknownHostException e) {
      return CompletableFuture.failedFuture(unknown(host, e));
    }
  }

  /** Drops the answers whose time is up. */
  public void sweep() {
    long now = clock.getAsLong();
    answers.values().removeIf(answer -> answer.expired(now));
  }

  /** How many names have an answer kept or a lookup under way. */
  public int cachedNames() {
    return answers.size();
  }

  /**
   * Stops the lookup threads: lookups under way finish on their own, waiting and later ones fail.
   */
  public void close() {
    for (Runnable waiting : lookups.shutdownNow()) {
      Pending pending = (Pending) waiting;
      answers.remove(pending.host, pending.answer);
      pending.answer.address.completeExceptionally(closed(pending.host));
    }
  }
}
