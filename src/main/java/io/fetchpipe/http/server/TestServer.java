package io.fetchpipe.http.server;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * An httpbin-like server to fetch from offline: {@code GET /get}, {@code /delay/{seconds}}
 * (decimals allowed), {@code /status/{code}}, {@code /bytes/{n}}, and the fault routes {@code
 * /flaky/{key}/{n}} (n × 503, then 200), {@code /reset} (connection cut mid-body), {@code /hang}
 * (no answer), {@code /retry-after/{key}/{s}} (one 429 with Retry-After, then 200) and {@code
 * /redirect/{n}} (a chain of n 302s ending at /get). Binds to loopback unless told otherwise.
 */
public final class TestServer {
  private final ServerBinding binding;
  private final ServerStats stats;
  private final TestRoutes routes;

  private TestServer(ServerBinding binding, ServerStats stats, TestRoutes routes) {
    this.binding = binding;
    this.stats = stats;
    this.routes = routes;
  }

  /** Starts a server on {@code 127.0.0.1} at a free port. */
  public static CompletionStage<TestServer> start(ActorSystem<?> system) {
    return start(system, "127.0.0.1", 0);
  }

  /**
   * Starts a server.
   *
   * @param host interface to bind, e.g. {@code 127.0.0.1}
   * @param port port to bind, or 0 for a free one
   */
  public static CompletionStage<TestServer> start(ActorSystem<?> system, String host, int port) {
    ServerStats stats = new ServerStats(system.executionContext());
    TestRoutes routes = new TestRoutes(system, ServerSettings.create(system), stats);
    return Http.get(system).newServerAt(host, port).bind(routes.route())
        .thenApply(binding -> new TestServer(binding, stats, routes));
  }

  /** The bound port. */
  public int port() {
    return binding.localAddress().getPort();
  }

  /** The base URL, e.g. {@code http://127.0.0.1:8080}. */
  public String address() {
    return "http://" + binding.localAddress().getHostString() + ":" + port();
  }

  /** The server's counters. */
  public ServerStats stats() {
    return stats;
  }

  /** Forgets the fault routes' state and restarts the counters. */
  public void resetFaults() {
    routes.resetFaults();
    stats.reset();
  }

  /** Stops accepting connections and ends open ones within {@code grace}. */
  public CompletionStage<Done> stop(Duration grace) {
    return binding.terminate(grace).thenApply(terminated -> Done.getInstance());
  }
}
