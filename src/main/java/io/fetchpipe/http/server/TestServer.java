package io.fetchpipe.http.server;

import io.fetchpipe.http.internal.QuietLog;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.event.Logging;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * An httpbin-compatible server to fetch from offline, for tests (the server HTTP clients' own test
 * suites run against). Binds to loopback unless told otherwise.
 *
 * <ul>
 *   <li>httpbin's routes, answering with httpbin's status, content type, headers and body shape:
 *       the echoes {@code /get}, {@code /post}, {@code /put}, {@code /patch}, {@code /delete},
 *       {@code /anything[/...]} (any method), {@code /headers}, {@code /user-agent}, {@code /ip},
 *       {@code /uuid} and {@code /delay/{seconds}} (decimals allowed, at most {@code
 *       fetchpipe.server.max-delay}), with httpbin's keys {@code args}, {@code data}, {@code
 *       files}, {@code form}, {@code headers}, {@code json}, {@code method}, {@code origin} and
 *       {@code url} (as the client sent it); {@code /status/{codes}}, {@code /bytes/{n}}, {@code
 *       /stream/{n}}, {@code /drip}, {@code /range/{n}}, {@code /gzip}, {@code /deflate}, {@code
 *       /json}, {@code /html}, {@code /xml}, {@code /robots.txt}, {@code /deny}, {@code
 *       /encoding/utf8} ({@link #UTF8_SAMPLE}), {@code /base64/{value}}, {@code /cookies[/set,
 *       /delete]}, {@code /basic-auth/{user}/{password}}, {@code /bearer}, {@code /cache[/{n}]},
 *       {@code /etag/{etag}}, {@code /response-headers}, {@code /redirect/{n}}, {@code
 *       /relative-redirect/{n}}, {@code /absolute-redirect/{n}}, {@code /redirect-to}, {@code
 *       /links/{n}/{offset}} and {@code /image/{png,jpeg,svg}};
 *   <li>fetchpipe's own fault routes: {@code /flaky/{key}/{n}} (n × 503, then 200), {@code /reset}
 *       (headers, then the connection cut mid-body), {@code /hang} (no answer), {@code
 *       /retry-after/{key}/{s}} (one 429 with Retry-After, then 200); {@code /gzip-bytes/{n}} (n
 *       zero bytes, gzip-encoded as they stream: a decompression bomb for size caps) and {@code
 *       /charset/{name}} ({@link #CHARSET_SAMPLE} in that charset, labelled with it); {@code
 *       /chaos/{key}/{size}} (a body that is the same for the same key, or at random a connection
 *       reset, a 503 with Retry-After, a slow body or a body cut short).
 * </ul>
 *
 * <p>Beside it runs a {@link HostileServer} on 127.0.0.1, for the misbehaviour below HTTP that this
 * server cannot produce ({@link #hostile()}). What the fault routes do on purpose is logged at
 * debug. Started with a {@link ServerTls}, it speaks HTTPS (with a certificate of the test's own,
 * and for mutual TLS requiring client certificates); the hostile peer stays plain TCP. Outside
 * JUnit, start one with {@link #start(ActorSystem)} and stop it with {@link #stop(Duration)}; the
 * JUnit 5 extension is the test kit's {@code EmbeddedServerExtension}.
 */
public final class TestServer {
  /** The text of {@code /encoding/utf8}: accents, Greek, Cyrillic, CJK and an emoji. */
  public static final String UTF8_SAMPLE =
      """
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
  private final ServerTls tls; // null: plain HTTP

  private TestServer(
      ServerBinding binding,
      HostileServer hostile,
      ServerStats stats,
      TestRoutes routes,
      ServerTls tls) {
    this.tls = tls;
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
    return start(system, host, port, null);
  }

  /**
   * Starts a server speaking HTTPS as {@code tls} says (plain HTTP when null), and its hostile peer
   * (plain TCP) on {@code 127.0.0.1} at a free port.
   *
   * @param host interface to bind, e.g. {@code 127.0.0.1}
   * @param port port to bind, or 0 for a free one
   */
  public static CompletionStage<TestServer> start(
      ActorSystem<?> system, String host, int port, ServerTls tls) {
    ServerStats stats = new ServerStats(system.executionContext());
    TestRoutes routes = new TestRoutes(system, ServerSettings.create(system), stats);
    // The request target as sent, for the echoes' url; the client's address, for their origin.
    var http =
        org.apache.pekko.http.javadsl.settings.ServerSettings.create(system.settings().config())
            .withRawRequestUriHeader(true)
            .withRemoteAddressAttribute(true);
    // What the fault routes do on purpose (a connection cut mid-body) is logged at debug.
    LoggingAdapter log =
        QuietLog.intendedFailures(
            Logging.getLogger(system.classicSystem(), TestServer.class), TestRoutes::isIntended);
    Route route = Directives.concat(new ChaosRoutes(system).route(), routes.route());
    var serverAt = Http.get(system).newServerAt(host, port).withSettings(http).logTo(log);
    return (tls == null ? serverAt : serverAt.enableHttps(tls.connectionContext()))
        .bind(route)
        .thenCompose(
            binding ->
                HostileServer.start(system)
                    .thenApply(hostile -> new TestServer(binding, hostile, stats, routes, tls))
                    .exceptionallyCompose(error -> unbindAndFail(binding, error)));
  }

  private static CompletionStage<TestServer> unbindAndFail(ServerBinding binding, Throwable error) {
    return binding
        .unbind()
        .handle((unbound, ignored) -> null)
        .thenCompose(unbound -> CompletableFuture.failedStage(error));
  }

  /** The bound port. */
  public int port() {
    return binding.localAddress().getPort();
  }

  /** The base URL, e.g. {@code http://127.0.0.1:8080} ({@code https://} when it speaks HTTPS). */
  public String address() {
    return (tls == null ? "http://" : "https://")
        + binding.localAddress().getHostString()
        + ":"
        + port();
  }

  /** How the server speaks HTTPS, or empty when it speaks plain HTTP. */
  public Optional<ServerTls> tls() {
    return Optional.ofNullable(tls);
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
    return binding
        .terminate(grace)
        .thenCombine(hostile.stop(), (terminated, stopped) -> Done.getInstance());
  }
}
