package io.fetchpipe.http.server;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * An httpbin-like server to fetch from offline. Binds to loopback unless told otherwise.
 *
 * <ul>
 *   <li>{@code GET /get}, {@code /delay/{seconds}} (decimals allowed), {@code /status/{code}},
 *       {@code /bytes/{n}};
 *   <li>fault routes: {@code /flaky/{key}/{n}} (n × 503, then 200), {@code /reset} (connection cut
 *       mid-body), {@code /hang} (no answer), {@code /retry-after/{key}/{s}} (one 429 with
 *       Retry-After, then 200) and {@code /redirect/{n}} (a chain of n 302s ending at /get);
 *   <li>{@code /anything} and {@code /anything/...}, any method: the request echoed as JSON, with
 *       {@code method}, {@code url} (as sent), {@code headers} (names as received, repeated ones
 *       joined with ", "), {@code body} (as UTF-8 text) and {@code body_base64} (the exact bytes);
 *   <li>{@code /gzip} and {@code /deflate}: a small JSON body, always sent with that
 *       Content-Encoding; {@code /gzip-bytes/{n}}: n zero bytes, gzip-encoded as they stream (a
 *       decompression bomb for size caps);
 *   <li>{@code /json} (a fixed document), {@code /encoding/utf8} ({@link #UTF8_SAMPLE}), {@code
 *       /charset/{name}} ({@link #CHARSET_SAMPLE} in that charset, labelled with it; 400 for an
 *       unknown one);
 *   <li>{@code /response-headers?Name=value&...}: each parameter a response header (Content-Type
 *       sets the body's type), the body a JSON object of them; {@code /base64/{value}}: the
 *       decoded bytes (standard or URL-safe alphabet, padding optional; 400 if invalid);
 *   <li>{@code /chaos/{key}/{size}}: a body that is the same for the same key, or at random a
 *       connection reset, a 503 with Retry-After, a slow body or a body cut short.
 * </ul>
 *
 * <p>All but {@code /anything} answer GET only. Beside it runs a {@link HostileServer} on
 * 127.0.0.1, for the misbehaviour below HTTP that this server cannot produce ({@link #hostile()}).
 */
public final class TestServer {
  /** The text of {@code /encoding/utf8}: accents, Greek, Cyrillic, CJK and an emoji. */
  public static final String UTF8_SAMPLE = """
      Crème brûlée, jalapeño, smörgåsbord, Ærøskøbing.
      Ελληνικά: καλημέρα κόσμε.
      Русский: съешь же ещё этих мягких булок.
      日本語: 東京の空は青い。中文: 你好，世界。한국어: 안녕하세요.
      Emoji: 🚀 ✓
      """;

  /** The text of {@code /charset/{name}}: Latin letters that ISO-8859-1 and windows-1252 hold. */
  public static final String CHARSET_SAMPLE = "Grüße, café, naïve, façade, smørrebrød\n";

  private final ServerBinding binding;
  private final HostileServer hostile;
  private final ServerStats stats;
  private final TestRoutes routes;

  private TestServer(ServerBinding binding, HostileServer hostile, ServerStats stats, TestRoutes routes) {
    this.binding = binding;
    this.hostile = hostile;
    this.stats = stats;
    this.routes = routes;
  }

  /** Starts a server on {@code 127.0.0.1} at a free port, and its hostile peer. */
  public static CompletionStage<TestServer> start(ActorSystem<?> system) {
    return start(system, "127.0.0.1", 0);
  }

  /**
   * Starts a server, and its hostile peer on {@code 127.0.0.1} at a free port.
   *
   * @param host interface to bind, e.g. {@code 127.0.0.1}
   * @param port port to bind, or 0 for a free one
   */
  public static CompletionStage<TestServer> start(ActorSystem<?> system, String host, int port) {
    ServerStats stats = new ServerStats(system.executionContext());
    TestRoutes routes = new TestRoutes(system, ServerSettings.create(system), stats);
    // The request target as sent, for /anything's url.
    var http = org.apache.pekko.http.javadsl.settings.ServerSettings.create(system.settings().config())
        .withRawRequestUriHeader(true);
    Route route = Directives.concat(routes.route(), new ChaosRoutes(system).route());
    return Http.get(system).newServerAt(host, port).withSettings(http).bind(route)
        .thenCompose(binding -> HostileServer.start(system)
            .thenApply(hostile -> new TestServer(binding, hostile, stats, routes))
            .exceptionallyCompose(error -> unbindAndFail(binding, error)));
  }

  private static CompletionStage<TestServer> unbindAndFail(ServerBinding binding, Throwable error) {
    return binding.unbind().handle((unbound, ignored) -> null)
        .thenCompose(unbound -> CompletableFuture.failedStage(error));
  }

  /** The bound port. */
  public int port() {
    return binding.localAddress().getPort();
  }

  /** The base URL, e.g. {@code http://127.0.0.1:8080}. */
  public String address() {
    return "http://" + binding.localAddress().getHostString() + ":" + port();
  }

  /** The misbehaving peer started beside this server. */
  public HostileServer hostile() {
    return hostile;
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

  /**
   * Stops accepting connections and ends open ones within {@code grace}; the hostile peer's
   * connections end at once.
   */
  public CompletionStage<Done> stop(Duration grace) {
    return binding.terminate(grace).thenCombine(hostile.stop(), (terminated, stopped) -> Done.getInstance());
  }
}
