package io.fetchpipe.testing;

import io.fetchpipe.core.Delay;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.japi.function.Function;

/**
 * A server on 127.0.0.1 (a free port) that is particular about how it is fetched, for tests and
 * benchmarks of politeness: it notes every request's arrival on its own clock ({@link
 * System#nanoTime()}), its Host header, path and the status it got, and answers as its {@link
 * Policy} says. The policies: {@link #plain()} (200 to all), {@link #throttling} (429 with
 * Retry-After past a number in flight or of starts per second, per host), {@link #budget} (a budget
 * per window, told in one of the three rate-limit header forms, 429 past it) and {@link #robots} (a
 * given robots.txt, 200 to the rest).
 */
public final class PoliteServer implements AutoCloseable {
  /**
   * One request as the server saw it.
   *
   * @param host its Host header
   * @param path its path
   * @param nanos when it arrived, on {@link System#nanoTime()}'s clock
   * @param status the status it was answered with
   */
  public record Arrival(String host, String path, long nanos, int status) {}

  /** How the server answers. */
  @FunctionalInterface
  public interface Policy {
    /** The answer to a request to {@code path} of {@code host} that arrived at {@code nanos}. */
    CompletionStage<HttpResponse> answer(String host, String path, long nanos);
  }

  /** The rate-limit header forms a {@link #budget} server can tell its window in. */
  public enum Form {
    /** {@code RateLimit: "default";r=R;t=T}. */
    RATELIMIT,
    /** {@code RateLimit-Remaining: R} and {@code RateLimit-Reset: T}. */
    RATELIMIT_PAIR,
    /** {@code X-RateLimit-Remaining: R} and {@code X-RateLimit-Reset: <Unix time>}. */
    X_RATELIMIT
  }

  private final ServerBinding binding;
  private final ConcurrentLinkedQueue<Arrival> arrivals;

  private PoliteServer(ServerBinding binding, ConcurrentLinkedQueue<Arrival> arrivals) {
    this.binding = binding;
    this.arrivals = arrivals;
  }

  /** Starts a server answering as {@code policy} says. */
  public static PoliteServer start(ActorSystem<?> system, Policy policy) throws Exception {
    ConcurrentLinkedQueue<Arrival> arrivals = new ConcurrentLinkedQueue<>();
    Function<HttpRequest, CompletionStage<HttpResponse>> handler =
        request -> {
          long nanos = System.nanoTime();
          String host = request.getHeader("Host").map(HttpHeader::value).orElse("");
          String path = request.getUri().path();
          request.discardEntityBytes(system);
          return policy
              .answer(host, path, nanos)
              .thenApply(
                  response -> {
                    arrivals.add(new Arrival(host, path, nanos, response.status().intValue()));
                    return response;
                  });
        };
    ServerBinding binding =
        Http.get(system)
            .newServerAt("127.0.0.1", 0)
            .bind(handler)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    return new PoliteServer(binding, arrivals);
  }

  /** The URL of {@code path} here, e.g. {@code http://127.0.0.1:41234/a}. */
  public String url(String path) {
    return url("127.0.0.1", path);
  }

  /** The URL of {@code path} here under another name of this machine (another host to a client). */
  public String url(String hostName, String path) {
    return "http://" + hostName + ":" + binding.localAddress().getPort() + path;
  }

  /** Every arrival so far, in the order of arrival. */
  public List<Arrival> arrivals() {
    List<Arrival> sorted = new ArrayList<>(arrivals);
    sorted.sort((a, b) -> Long.compare(a.nanos(), b.nanos()));
    return sorted;
  }

  /** Stops accepting connections and ends open ones (waits at most 10 s). */
  @Override
  public void close() {
    binding
        .terminate(Duration.ofSeconds(1))
        .toCompletableFuture()
        .orTimeout(10, TimeUnit.SECONDS)
        .join();
  }

  private static CompletionStage<HttpResponse> ok() {
    return CompletableFuture.completedFuture(HttpResponse.create().withEntity("ok"));
  }

  /** 200 to every request. */
  public static Policy plain() {
    return (host, path, nanos) -> ok();
  }

  /**
   * Per host, 429 with {@code Retry-After: retryAfter} (whole seconds) to a request that arrives
   * while {@code maxInFlight} of the host's are being answered, or when more than {@code
   * maxPerSecond} of the host's requests (answered or refused) arrived in the second up to it;
   * otherwise 200 after {@code work}.
   */
  public static Policy throttling(
      ActorSystem<?> system,
      int maxInFlight,
      int maxPerSecond,
      Duration retryAfter,
      Duration work) {
    Map<String, ArrayDeque<Long>> recent = new HashMap<>();
    Map<String, int[]> inFlight = new HashMap<>();
    long second = TimeUnit.SECONDS.toNanos(1);
    return (host, path, nanos) -> {
      boolean refused;
      synchronized (recent) {
        ArrayDeque<Long> starts = recent.computeIfAbsent(host, h -> new ArrayDeque<>());
        while (!starts.isEmpty() && nanos - starts.peekFirst() >= second) {
          starts.removeFirst();
        }
        starts.addLast(nanos);
        int[] running = inFlight.computeIfAbsent(host, h -> new int[1]);
        refused = running[0] >= maxInFlight || starts.size() > maxPerSecond;
        if (!refused) {
          running[0]++;
        }
      }
      if (refused) {
        return CompletableFuture.completedFuture(
            HttpResponse.create()
                .withStatus(429)
                .addHeader(RawHeader.create("Retry-After", Long.toString(retryAfter.toSeconds())))
                .withEntity("slow down"));
      }
      return Delay.after(
          system,
          work,
          () -> {
            synchronized (recent) {
              inFlight.get(host)[0]--;
            }
            return HttpResponse.create().withEntity("ok");
          });
    };
  }

  /**
   * Per host, {@code budget} requests per window of {@code window} (windows counted from the
   * server's start), each answer telling what is left and when the window resets (rounded up to
   * whole seconds, as servers send it) in {@code form}; 429 past the budget.
   */
  public static Policy budget(Form form, int budget, Duration window) {
    long start = System.nanoTime();
    long windowNanos = window.toNanos();
    Map<String, long[]> used = new HashMap<>(); // host: window number, requests in it
    return (host, path, nanos) -> {
      long number = (nanos - start) / windowNanos;
      long count;
      synchronized (used) {
        long[] state = used.computeIfAbsent(host, h -> new long[] {number, 0});
        if (state[0] != number) {
          state[0] = number;
          state[1] = 0;
        }
        count = ++state[1];
      }
      long remaining = Math.max(0, budget - count);
      long resetNanos = start + (number + 1) * windowNanos - nanos;
      long resetSeconds = (resetNanos + 999_999_999L) / 1_000_000_000L;
      HttpResponse response =
          count > budget
              ? HttpResponse.create().withStatus(429).withEntity(HttpEntities.create("over budget"))
              : HttpResponse.create().withEntity("ok");
      return CompletableFuture.completedFuture(
          switch (form) {
            case RATELIMIT ->
                response.addHeader(
                    RawHeader.create(
                        "RateLimit", "\"default\";r=" + remaining + ";t=" + resetSeconds));
            case RATELIMIT_PAIR ->
                response
                    .addHeader(RawHeader.create("RateLimit-Remaining", Long.toString(remaining)))
                    .addHeader(RawHeader.create("RateLimit-Reset", Long.toString(resetSeconds)));
            case X_RATELIMIT ->
                response
                    .addHeader(RawHeader.create("X-RateLimit-Remaining", Long.toString(remaining)))
                    .addHeader(
                        RawHeader.create(
                            "X-RateLimit-Reset",
                            Long.toString(
                                Instant.now().plusNanos(resetNanos).getEpochSecond() + 1)));
          });
    };
  }

  /** {@code /robots.txt} answered with {@code status} and {@code body}; 200 to everything else. */
  public static Policy robots(int status, String body) {
    return (host, path, nanos) ->
        path.equals("/robots.txt")
            ? CompletableFuture.completedFuture(
                HttpResponse.create().withStatus(status).withEntity(body))
            : ok();
  }

  /**
   * Whether no {@code window} of arrivals holds more than {@code most}; the first window that does,
   * or null.
   */
  public static String crowdedWindow(List<Arrival> arrivals, int most, Duration window) {
    for (int i = 0; i + most < arrivals.size(); i++) {
      long span = arrivals.get(i + most).nanos() - arrivals.get(i).nanos();
      if (span < window.toNanos()) {
        List<Long> gaps = new ArrayList<>();
        for (int j = 1; j < arrivals.size(); j++) {
          gaps.add((arrivals.get(j).nanos() - arrivals.get(j - 1).nanos()) / 1_000_000);
        }
        return (most + 1)
            + " arrivals within "
            + span / 1_000_000
            + " ms, from arrival "
            + i
            + " ("
            + arrivals.get(i).path()
            + "); ms between arrivals: "
            + gaps;
      }
    }
    return null;
  }
}
