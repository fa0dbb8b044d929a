package io.fetchpipe.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fetchpipe.http.server.HostileServer;
import io.fetchpipe.http.server.ServerStats;
import io.fetchpipe.http.server.ServerTls;
import io.fetchpipe.http.server.TestServer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * fetchpipe's embedded test server ({@link TestServer}: delay, status, bytes, fault and
 * response-shaped routes, and a {@link HostileServer hostile peer} beside it) for a JUnit 5 test
 * class, on 127.0.0.1 at a free port.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final EmbeddedServerExtension server = EmbeddedServerExtension.create();
 *
 * @Test
 * void fetchesFromTheServer() {
 *   ... fetcher.fetch(server.url("/delay/1")) ...
 *   assertEquals(1, server.stats().requests());
 * }
 * }</pre>
 *
 * <p>By default every test gets a fresh server, stopped after it, so requests a previous test left
 * on the wire (a hung or cancelled fetch) never show up in this test's {@link #stats() counters} or
 * fault state; {@link #perClass()} shares one server among a class's tests. The server runs in an
 * actor system of the extension's own (an {@link ActorTestKit}, so with the application's {@code
 * application-test.conf}), started at the first server and shut down after the class's last test,
 * or in the system of a given test kit ({@link #inSystemOf(ActorTestKit)}), which is then left
 * running. Test methods and {@code @BeforeEach} methods may also take the running {@link
 * TestServer} as a parameter.
 *
 * <p>{@link #https()} makes it speak HTTPS with a certificate made when the extension is created,
 * for {@code localhost} and {@code 127.0.0.1}, so an application tests its TLS set-up offline:
 * trust {@link #certificatePem()} and fetch {@link #url(String)}; {@link #https(ServerTls)} gives
 * the server an identity of the test's own (e.g. issued by a test CA) and can require client
 * certificates.
 *
 * <p>Register it in a static field, or in an instance field of a test class with
 * {@code @TestInstance(PER_CLASS)} (declared after the test kit it is given with {@link
 * #inSystemOf(ActorTestKit)}): only there does JUnit call it before and after the class, which it
 * needs to stop what it started; elsewhere it refuses to run. One such extension per test class;
 * its tests run one at a time.
 */
public final class EmbeddedServerExtension
    implements BeforeAllCallback,
        BeforeEachCallback,
        AfterEachCallback,
        AfterAllCallback,
        ParameterResolver {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  // Requests still open at the end of a test (hung on purpose) are not waited for.
  private static final Duration DEFAULT_STOP_GRACE = Duration.ofMillis(200);
  // The server's own system runs nothing but the server, whose fault routes cut connections on
  // purpose: the writes Pekko's TCP layer still had for them are no news.
  private static final Config SERVER_SYSTEM =
      ConfigFactory.parseString("pekko.log-dead-letters = off");

  private final boolean perClass;
  private final ActorTestKit givenTestKit; // null: an actor system of the extension's own
  private final Duration timeout;
  private final Duration stopGrace;
  private final ServerTls tls; // null: plain HTTP

  // Test classes entered and not yet left (a @Nested class is entered inside its outer class).
  private final AtomicInteger openClasses = new AtomicInteger();
  private volatile TestServer server;
  private volatile ActorTestKit ownTestKit;

  /**
   * An extension with the defaults of {@link #create()}, for
   * {@code @ExtendWith(EmbeddedServerExtension.class)}: tests then take the {@link TestServer} as a
   * parameter.
   */
  public EmbeddedServerExtension() {
    this(false, null, DEFAULT_TIMEOUT, DEFAULT_STOP_GRACE, null);
  }

  private EmbeddedServerExtension(
      boolean perClass,
      ActorTestKit givenTestKit,
      Duration timeout,
      Duration stopGrace,
      ServerTls tls) {
    this.tls = tls;
    this.perClass = perClass;
    this.givenTestKit = givenTestKit;
    this.timeout = requirePositive(timeout, "timeout");
    this.stopGrace = Objects.requireNonNull(stopGrace, "stopGrace");
    if (stopGrace.isNegative()) {
      throw new IllegalArgumentException("stopGrace must not be negative, got " + stopGrace);
    }
  }

  /**
   * A fresh server for every test, in an actor system of the extension's own; starting and stopping
   * may take 10 s each at most, and requests still open when a test ends get 200 ms.
   */
  public static EmbeddedServerExtension create() {
    return new EmbeddedServerExtension();
  }

  /** A copy that starts one server before the class's first test and stops it after its last. */
  public EmbeddedServerExtension perClass() {
    return new EmbeddedServerExtension(true, givenTestKit, timeout, stopGrace, tls);
  }

  /** A copy that starts a fresh server for every test and stops it after the test (the default). */
  public EmbeddedServerExtension perTest() {
    return new EmbeddedServerExtension(false, givenTestKit, timeout, stopGrace, tls);
  }

  /**
   * A copy that runs the server in {@code testKit}'s actor system (read when a server starts, so a
   * test kit field initialised before this one is fine). That system is not shut down here.
   */
  public EmbeddedServerExtension inSystemOf(ActorTestKit testKit) {
    return new EmbeddedServerExtension(
        perClass, Objects.requireNonNull(testKit, "testKit"), timeout, stopGrace, tls);
  }

  /** A copy that waits at most {@code timeout} for a server to start and for it to stop. */
  public EmbeddedServerExtension withTimeout(Duration timeout) {
    return new EmbeddedServerExtension(perClass, givenTestKit, timeout, stopGrace, tls);
  }

  /** A copy that gives requests still open when a server stops {@code grace} to finish. */
  public EmbeddedServerExtension withStopGrace(Duration grace) {
    return new EmbeddedServerExtension(perClass, givenTestKit, timeout, grace, tls);
  }

  /**
   * A copy whose servers speak HTTPS with one certificate, made now for {@code localhost} and
   * {@code 127.0.0.1}: {@link #url(String)} gives {@code https://} URLs, and a client that trusts
   * {@link #certificatePem()} accepts the server.
   */
  public EmbeddedServerExtension https() {
    return https(ServerTls.selfSigned());
  }

  /**
   * A copy whose servers speak HTTPS as {@code tls} says: the identity they present, and whether
   * they require client certificates.
   */
  public EmbeddedServerExtension https(ServerTls tls) {
    return new EmbeddedServerExtension(
        perClass, givenTestKit, timeout, stopGrace, Objects.requireNonNull(tls, "tls"));
  }

  /**
   * The server's certificate as PEM, for a client to trust (e.g. {@code
   * TlsSettings.defaults().withTrustedCertificatesPem(server.certificatePem())}).
   *
   * @throws IllegalStateException when the server speaks plain HTTP
   */
  public String certificatePem() {
    if (tls == null) {
      throw new IllegalStateException(
          "the embedded server speaks plain HTTP: register it with https()");
    }
    return tls.identity().certificatePem();
  }

  /**
   * The running server.
   *
   * @throws IllegalStateException outside a test (or outside the class, with {@link #perClass()})
   */
  public TestServer server() {
    TestServer running = server;
    if (running == null) {
      throw new IllegalStateException(
          "no embedded server is running: it runs during each test"
              + (perClass ? " of the class" : "")
              + "; is the extension registered with @RegisterExtension?");
    }
    return running;
  }

  /** The running server's URL of {@code path}, e.g. {@code http://127.0.0.1:41234/delay/1}. */
  public String url(String path) {
    return server().address() + path;
  }

  /** The running server's base URL, e.g. {@code http://127.0.0.1:41234}. */
  public String address() {
    return server().address();
  }

  /** The running server's counters: requests so far, in flight now, most in flight at once. */
  public ServerStats stats() {
    return server().stats();
  }

  /** The misbehaving raw-TCP peer started beside the running server. */
  public HostileServer hostile() {
    return server().hostile();
  }

  /** The actor system the running server runs in. */
  public ActorSystem<?> system() {
    server();
    return serverSystem();
  }

  /** Starts the class's server, when there is one per class (a nested class shares its outer's). */
  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    openClasses.incrementAndGet();
    if (perClass && server == null) {
      start();
    }
  }

  /**
   * Starts this test's server, when there is one per test.
   *
   * @throws ExtensionConfigurationException if JUnit did not call {@link #beforeAll} (an instance
   *     field of a test class without {@code @TestInstance(PER_CLASS)})
   */
  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    if (openClasses.get() == 0) {
      throw new ExtensionConfigurationException(
          "EmbeddedServerExtension must be registered in a static field, "
              + "or in an instance field of a class with @TestInstance(PER_CLASS), so that it is called after the "
              + "class's last test and can stop what it started");
    }
    if (!perClass) {
      start();
    }
  }

  /** Stops this test's server, when there is one per test. */
  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    if (!perClass) {
      stop();
    }
  }

  /**
   * After the outermost class: stops the class's server, then the extension's own actor system if
   * it started one.
   */
  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (openClasses.decrementAndGet() > 0) {
      return;
    }
    try {
      stop();
    } finally {
      ActorTestKit own = ownTestKit;
      ownTestKit = null;
      if (own != null) {
        own.shutdownTestKit();
      }
    }
  }

  /** Whether the parameter is a {@link TestServer}. */
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestServer.class;
  }

  /** The running server. */
  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    try {
      return server();
    } catch (IllegalStateException e) {
      throw new ParameterResolutionException(e.getMessage(), e);
    }
  }

  private synchronized ActorSystem<?> serverSystem() {
    if (givenTestKit != null) {
      return givenTestKit.system();
    }
    if (ownTestKit == null) {
      ownTestKit =
          ActorTestKit.create(
              "embedded-server", SERVER_SYSTEM.withFallback(ActorTestKit.applicationTestConfig()));
    }
    return ownTestKit.system();
  }

  private void start() throws Exception {
    stop();
    server =
        TestServer.start(serverSystem(), "127.0.0.1", 0, tls)
            .toCompletableFuture()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void stop() throws Exception {
    TestServer running = server;
    server = null;
    if (running != null) {
      running.stop(stopGrace).toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private static Duration requirePositive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
    return value;
  }
}
