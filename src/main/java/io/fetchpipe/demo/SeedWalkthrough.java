package io.fetchpipe.demo;

import io.fetchpipe.core.Delay;
import io.fetchpipe.core.Outcome;
import io.fetchpipe.core.PoolSettings;
import io.fetchpipe.core.Task;
import io.fetchpipe.core.TaskPool;
import io.fetchpipe.http.FetchResponse;
import io.fetchpipe.http.FetchSettings;
import io.fetchpipe.http.Fetcher;
import io.fetchpipe.http.ReadAs;
import io.fetchpipe.http.server.TestServer;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The seed's walkthrough: sequential versus gather, as_completed, five URLs under a semaphore,
 * producer/consumer over a bounded queue, and return_exceptions. Every delay is multiplied by the
 * time scale. Each step prints the asyncio line, the fetchpipe Java beside it, what ran and how
 * long it took.
 */
public final class SeedWalkthrough {
  private final PrintStream out;
  private final double scale;
  // What the tasks did, in the order they did it ("start api/users", "done api/users"): the steps
  // are checked by the order of these events, never by how long they took, so a slow or loaded
  // machine cannot make a correct run look wrong.
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());
  private final int semaphore;
  private boolean allAsExpected = true;

  /** A walkthrough printing to {@code out} with delays multiplied by {@code timeScale}. */
  public SeedWalkthrough(PrintStream out, double timeScale) {
    this(out, timeScale, 5);
  }

  /** The same with another semaphore than the seed's 5: the checks must then see what differs. */
  SeedWalkthrough(PrintStream out, double timeScale, int semaphore) {
    this.out = out;
    this.scale = timeScale;
    this.semaphore = semaphore;
  }

  /** Runs every step; true when each behaved as the seed says. */
  public boolean run() throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "fetchpipe-demo");
    try {
      TestServer server = TestServer.start(system).toCompletableFuture().get(10, TimeUnit.SECONDS);
      out.printf(
          "fetchpipe demo: the seed's asyncio examples on Pekko (time scale %s, server %s)%n",
          trim(scale), server.address());
      PoolSettings semaphoreSettings = PoolSettings.create(system).withMaxConcurrency(semaphore);
      try (TaskPool pool = TaskPool.create(system, semaphoreSettings)) {
        sequentialVersusGather(system, pool);
        asCompleted(system, pool);
        fetchFiveUrls(system, server, semaphoreSettings);
        new ProducerConsumerStep(out, scale).run(system);
        returnExceptions(pool);
      }
      out.println();
      out.println(
          allAsExpected
              ? "Every step behaved as the seed describes."
              : "Some step did NOT behave as the seed describes.");
      return allAsExpected;
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private Duration seconds(double value) {
    return Duration.ofNanos((long) (value * scale * 1e9));
  }

  private Task<String> fetchData(ActorSystem<?> system, String url, int delaySeconds) {
    return Task.of(
        () -> {
          out.println("  Fetching " + url + "...");
          events.add("start " + url);
          return Delay.after(
              system,
              seconds(delaySeconds),
              () -> {
                out.println("  Done " + url);
                events.add("done " + url);
                return "data from " + url;
              });
        });
  }

  private void sequentialVersusGather(ActorSystem<?> system, TaskPool pool) throws Exception {
    heading(
        "1. Synchronous vs asynchronous",
        "for each: fetch_data(url, d)          |  await each task in turn: pool.start(task).join()",
        "await asyncio.gather(fetch_data(...)) |  pool.gather(fetchData(...), fetchData(...), fetchData(...))");
    events.clear();
    long start = System.nanoTime();
    for (Task<String> task :
        List.of(
            fetchData(system, "api/users", 2),
            fetchData(system, "api/posts", 3),
            fetchData(system, "api/comments", 1))) {
      pool.start(task).toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
    out.printf("  Sequential total: %.1fs  (expected ~%.1fs)%n", elapsed(start), 6 * scale);
    expect(
        events.equals(
            List.of(
                "start api/users",
                "done api/users",
                "start api/posts",
                "done api/posts",
                "start api/comments",
                "done api/comments")),
        "awaiting each task in turn should run one at a time");

    events.clear();
    start = System.nanoTime();
    List<Outcome<String>> results =
        pool.gather(
                fetchData(system, "api/users", 2),
                fetchData(system, "api/posts", 3),
                fetchData(system, "api/comments", 1))
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
    out.printf(
        "  gather total: %.1fs  (expected ~%.1fs, the slowest task)%n", elapsed(start), 3 * scale);
    out.println("  results (input order): " + results.stream().map(Outcome::getOrThrow).toList());
    expect(
        events.subList(0, 3).stream().allMatch(event -> event.startsWith("start ")),
        "gather should start every task before the first one ends");
    expect(
        results.stream()
            .map(Outcome::getOrThrow)
            .toList()
            .equals(
                List.of("data from api/users", "data from api/posts", "data from api/comments")),
        "gather should give the results in input order");
  }

  private void asCompleted(ActorSystem<?> system, TaskPool pool) throws Exception {
    heading(
        "2. as_completed: completion order",
        "for coro in asyncio.as_completed(tasks) |  pool.asCompleted(tasks).runForeach(outcome -> ..., system)",
        null);
    List<String> order = new ArrayList<>();
    pool.asCompleted(
            List.of(
                fetchData(system, "api/users", 2),
                fetchData(system, "api/posts", 3),
                fetchData(system, "api/comments", 1)))
        .runForeach(
            outcome -> {
              out.println("  Completed: " + outcome.getOrThrow());
              order.add(outcome.getOrThrow());
            },
            system)
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
    expect(
        order.equals(
            List.of("data from api/comments", "data from api/users", "data from api/posts")),
        "as_completed should yield comments, users, posts");
  }

  private void fetchFiveUrls(ActorSystem<?> system, TestServer server, PoolSettings underSemaphore)
      throws Exception {
    heading(
        "3. Concurrent HTTP requests, Semaphore(5), one shared session",
        "async with aiohttp.ClientSession() ... gather(*tasks) |  Fetcher.create(system, pool, http).fetchAll(urls)",
        "asyncio.Semaphore(5)                                  |  PoolSettings...withMaxConcurrency(5)");
    List<String> urls = new ArrayList<>();
    for (int seconds : new int[] {1, 2, 1, 2, 1}) {
      urls.add(server.address() + "/delay/" + trim(seconds * scale));
    }
    server.stats().reset();
    long start = System.nanoTime();
    List<Outcome<FetchResponse>> results;
    // The seed's fetch_url returns len(await response.text()): bodies read as text.
    try (Fetcher fetcher =
        Fetcher.create(
            system, underSemaphore, FetchSettings.create(system).withReadAs(ReadAs.text()))) {
      results = fetcher.fetchAll(urls).toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
    double total = elapsed(start);
    for (int i = 0; i < urls.size(); i++) {
      Outcome<FetchResponse> r = results.get(i);
      out.println(
          "  "
              + urls.get(i)
              + ": "
              + (r.isSuccess()
                  ? "status="
                      + r.getOrThrow().status()
                      + ", length="
                      + r.getOrThrow().text().length()
                  : "error " + ((Outcome.Failure<FetchResponse>) r).message()));
    }
    out.printf(
        "  Total: %.1fs  (sequential: ~%.1fs, concurrent: ~%.1fs)%n", total, 7 * scale, 2 * scale);
    expect(results.stream().allMatch(Outcome::isSuccess), "every URL should be fetched");
    // Concurrent: the server saw the five requests in flight together, as Semaphore(5) allows.
    out.println("  requests in flight at the server at once: " + server.stats().maxInFlight());
    int together = server.stats().maxInFlight();
    expect(
        together > 1 && together <= 5, "the requests should be in flight together, at most five");
  }

  private void returnExceptions(TaskPool pool) throws Exception {
    heading(
        "5. Errors as values: return_exceptions=True",
        "gather(risky_task(1), risky_task(2), risky_task(3), return_exceptions=True)",
        "pool.gather(riskyTask(1), riskyTask(2), riskyTask(3))  // failures are Outcome.Failure values");
    List<Outcome<String>> results =
        pool.gather(riskyTask(1), riskyTask(2), riskyTask(3))
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
    for (Outcome<String> r : results) {
      if (r instanceof Outcome.Failure<String> failure) {
        out.println("  Error: " + failure.message() + " (kind " + failure.kind().wireName() + ")");
      } else {
        out.println("  OK: " + r.getOrThrow());
      }
    }
    expect(
        List.of(true, false, true).equals(results.stream().map(Outcome::isSuccess).toList()),
        "return_exceptions should give ok, error, ok");
  }

  private static Task<String> riskyTask(int n) {
    return Task.of(
        () ->
            n == 2
                ? CompletableFuture.failedFuture(new IllegalArgumentException("Error in task 2"))
                : CompletableFuture.completedFuture("result-" + n));
  }

  private void heading(String title, String line1, String line2) {
    out.println();
    out.println("── " + title + " " + "─".repeat(Math.max(3, 70 - title.length())));
    out.println("  asyncio ~ fetchpipe:  " + line1);
    if (line2 != null) {
      out.println("                        " + line2);
    }
  }

  private void expect(boolean condition, String what) {
    if (!condition) {
      allAsExpected = false;
      out.println("  UNEXPECTED: " + what);
    }
  }

  private static double elapsed(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static String trim(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString().toLowerCase(Locale.ROOT);
  }
}
