package io.fetchpipe.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fetchpipe.core.ConfigDurations;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.LoggerFactory;

/**
 * How each URL is fetched: the per-attempt timeout, the body cap, whether error statuses are
 * errors, how many redirects to follow, which statuses are worth a retry, whether hosts'
 * robots.txt is obeyed, how connections reach hosts (pinned addresses, {@link ProxySettings
 * proxies}, {@link TlsSettings TLS trust and client certificates}), and how long connections and
 * resolved names are kept. Defaults come from
 * {@code fetchpipe.http} in {@code reference.conf}; the {@code withX} methods return changed
 * copies. How many requests run at once, the rate and the retry budget are the pool's settings
 * ({@link io.fetchpipe.core.PoolSettings}).
 */
public final class FetchSettings {
  private final Duration timeout;
  private final long maxBody;
  private final boolean raiseForStatus;
  private final int maxRedirects;
  private final Set<Integer> retryStatuses;
  private final String userAgent;
  private final int breakerMaxFailures;
  private final Duration breakerResetTimeout;
  private final boolean compressed;
  private final boolean sha256;
  private final ReadAs readAs;
  private final Duration connectionIdleTimeout;
  private final int maxIdleConnections;
  private final Duration closeGrace;
  private final Duration nameTtl;
  private final Duration nameFailureTtl;
  private final int lookupThreads;
  private final List<PinnedAddress> resolve;
  private final ProxySettings proxy;
  private final TlsSettings tls;
  private final boolean obeyRobots;
  private final int robotsMaxHosts;

  private FetchSettings(Fields f) {
    this.timeout = ConfigDurations.positive(f.timeout, "timeout");
    if (f.maxBody < 0) {
      throw new IllegalArgumentException("max-body must not be negative, got " + f.maxBody);
    }
    if (f.maxRedirects < 0) {
      throw new IllegalArgumentException("max-redirects must not be negative, got " + f.maxRedirects);
    }
    this.maxBody = f.maxBody;
    this.raiseForStatus = f.raiseForStatus;
    this.maxRedirects = f.maxRedirects;
    this.retryStatuses = Set.copyOf(f.retryStatuses);
    this.userAgent = Objects.requireNonNull(f.userAgent, "user-agent");
    if (f.breakerMaxFailures < 0) {
      throw new IllegalArgumentException("circuit-breaker.max-failures must not be negative, got " + f.breakerMaxFailures);
    }
    this.breakerMaxFailures = f.breakerMaxFailures;
    this.breakerResetTimeout = ConfigDurations.positive(f.breakerResetTimeout, "circuit-breaker.reset-timeout");
    this.compressed = f.compressed;
    this.sha256 = f.sha256;
    this.readAs = Objects.requireNonNull(f.readAs, "read-as");
    this.connectionIdleTimeout = ConfigDurations.positive(f.connectionIdleTimeout, "connections.idle-timeout");
    if (f.maxIdleConnections < 0) {
      throw new IllegalArgumentException("connections.max-idle must not be negative, got " + f.maxIdleConnections);
    }
    this.maxIdleConnections = f.maxIdleConnections;
    this.closeGrace = ConfigDurations.positive(f.closeGrace, "connections.close-grace");
    this.nameTtl = ConfigDurations.positive(f.nameTtl, "names.ttl");
    this.nameFailureTtl = ConfigDurations.positive(f.nameFailureTtl, "names.failure-ttl");
    if (f.lookupThreads < 1) {
      throw new IllegalArgumentException("names.lookup-threads must be at least 1, got " + f.lookupThreads);
    }
    this.lookupThreads = f.lookupThreads;
    this.resolve = List.copyOf(f.resolve);
    this.proxy = Objects.requireNonNull(f.proxy, "proxy");
    this.tls = Objects.requireNonNull(f.tls, "tls");
    if (f.robotsMaxHosts < 1) {
      throw new IllegalArgumentException("robots.max-hosts must be at least 1, got " + f.robotsMaxHosts);
    }
    this.obeyRobots = f.obeyRobots;
    this.robotsMaxHosts = f.robotsMaxHosts;
  }

  /** Reads {@code fetchpipe.http} from the system's config. */
  public static FetchSettings create(ActorSystem<?> system) {
    return create(system.settings().config());
  }

  /** Reads {@code fetchpipe.http} from a full config. */
  public static FetchSettings create(Config root) {
    Config c = root.getConfig("fetchpipe.http");
    Fields f = new Fields();
    f.timeout = c.getDuration("timeout");
    f.maxBody = c.getBytes("max-body");
    f.raiseForStatus = c.getBoolean("raise-for-status");
    f.maxRedirects = c.getInt("max-redirects");
    f.retryStatuses = Set.copyOf(c.getIntList("retry-statuses"));
    f.userAgent = c.getString("user-agent");
    f.breakerMaxFailures = c.getInt("circuit-breaker.max-failures");
    f.breakerResetTimeout = c.getDuration("circuit-breaker.reset-timeout");
    f.compressed = c.getBoolean("compressed");
    f.sha256 = c.getBoolean("sha256");
    f.readAs = readAs(c.getString("read-as"));
    f.connectionIdleTimeout = c.getDuration(renamed(c, "connections.idle-timeout", "connection-pools.idle-timeout"));
    f.maxIdleConnections = c.getInt(renamed(c, "connections.max-idle", "connection-pools.max-idle"));
    f.closeGrace = c.getDuration(renamed(c, "connections.close-grace", "connection-pools.close-grace"));
    f.nameTtl = c.getDuration("names.ttl");
    f.nameFailureTtl = c.getDuration("names.failure-ttl");
    f.lookupThreads = c.getInt("names.lookup-threads");
    f.resolve = c.getStringList("resolve").stream().map(FetchSettings::pinned).toList();
    f.proxy = ProxySettings.create(root);
    f.tls = TlsSettings.create(root);
    f.obeyRobots = robots(c.getString("robots.mode"));
    f.robotsMaxHosts = c.getInt("robots.max-hosts");
    return new FetchSettings(f);
  }

  /**
   * The key to read: {@code current}, unless the config still sets the key it replaced (which
   * reference.conf no longer has, so an application set it), which then wins, with a warning.
   */
  private static String renamed(Config c, String current, String old) {
    if (!c.hasPath(old)) {
      return current;
    }
    LoggerFactory.getLogger(FetchSettings.class).warn(
        "fetchpipe.http.{} is deprecated: a fetcher keeps connections, not pools; set fetchpipe.http.{} instead",
        old, current);
    return old;
  }

  private static PinnedAddress pinned(String entry) {
    try {
      return PinnedAddress.parse(entry);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("resolve: " + e.getMessage(), e);
    }
  }

  private static boolean robots(String mode) {
    return switch (mode) {
      case "obey" -> true;
      case "ignore" -> false;
      default -> throw new IllegalArgumentException("robots.mode must be obey or ignore, got '" + mode + "'");
    };
  }

  private static ReadAs readAs(String name) {
    return switch (name) {
      case "discard" -> ReadAs.discard();
      case "bytes" -> ReadAs.bytes();
      case "text" -> ReadAs.text();
      default -> throw new IllegalArgumentException("read-as must be discard, bytes or text, got '" + name + "'");
    };
  }

  /**
   * These settings as the {@code fetchpipe.http} section of a config, which {@link
   * #create(Config)} reads back: how they travel to the other nodes of a cluster.
   *
   * @throws IllegalStateException when bodies are read into a file or a sink, or an application's
   *     own {@link ProxyChoice} or {@link javax.net.ssl.SSLContext} is in use, which config cannot describe
   */
  public Config toConfig() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("timeout", nanos(timeout));
    values.put("max-body", maxBody);
    values.put("raise-for-status", raiseForStatus);
    values.put("max-redirects", maxRedirects);
    values.put("retry-statuses", List.copyOf(new TreeSet<>(retryStatuses)));
    values.put("user-agent", userAgent);
    values.put("circuit-breaker.max-failures", breakerMaxFailures);
    values.put("circuit-breaker.reset-timeout", nanos(breakerResetTimeout));
    values.put("compressed", compressed);
    values.put("sha256", sha256);
    values.put("read-as", readAsName(readAs));
    values.put("connections.idle-timeout", nanos(connectionIdleTimeout));
    values.put("connections.max-idle", maxIdleConnections);
    values.put("connections.close-grace", nanos(closeGrace));
    values.put("names.ttl", nanos(nameTtl));
    values.put("names.failure-ttl", nanos(nameFailureTtl));
    values.put("names.lookup-threads", lookupThreads);
    values.put("resolve", resolve.stream().map(PinnedAddress::toString).toList());
    values.put("robots.mode", obeyRobots ? "obey" : "ignore");
    values.put("robots.max-hosts", robotsMaxHosts);
    Map<String, Object> rooted = new LinkedHashMap<>();
    values.forEach((key, value) -> rooted.put("fetchpipe.http." + key, value));
    return ConfigFactory.parseMap(rooted).withFallback(proxy.toConfig()).withFallback(tls.toConfig());
  }

  private static String nanos(Duration value) {
    return value.toNanos() + "ns";
  }

  private static String readAsName(ReadAs value) {
    if (value instanceof ReadAs.Discard) {
      return "discard";
    }
    if (value instanceof ReadAs.Bytes) {
      return "bytes";
    }
    if (value instanceof ReadAs.Text) {
      return "text";
    }
    throw new IllegalStateException("bodies read as " + value + " cannot be described in config");
  }

  /** Longest time per attempt, from sending the request to the last body byte. */
  public Duration timeout() {
    return timeout;
  }

  /** Largest body read; a longer one fails with kind {@code too-large}. */
  public long maxBody() {
    return maxBody;
  }

  /** Whether a status of 400 or more is an error (kind {@code http-status}). */
  public boolean raiseForStatus() {
    return raiseForStatus;
  }

  /** How many redirects to follow (0: none). */
  public int maxRedirects() {
    return maxRedirects;
  }

  /** Statuses that are retried when the pool allows retries. */
  public Set<Integer> retryStatuses() {
    return retryStatuses;
  }

  /** The User-Agent header sent. */
  public String userAgent() {
    return userAgent;
  }

  /** Consecutive failures to a host that open its circuit breaker; 0: no breaker. */
  public int breakerMaxFailures() {
    return breakerMaxFailures;
  }

  /** How long an open breaker fails requests at once before it lets a trial through. */
  public Duration breakerResetTimeout() {
    return breakerResetTimeout;
  }

  /** Whether compressed bodies are asked for ({@code Accept-Encoding: gzip, deflate}) and decoded. */
  public boolean compressed() {
    return compressed;
  }

  /** Whether each response carries the SHA-256 of its body. */
  public boolean sha256() {
    return sha256;
  }

  /** How bodies are read when a request does not say. */
  public ReadAs readAs() {
    return readAs;
  }

  /**
   * How long a connection may wait idle for the next request to its host before it is closed (it
   * closes after between half of this and all of it).
   */
  public Duration connectionIdleTimeout() {
    return connectionIdleTimeout;
  }

  /** Most idle connections kept, over all hosts; past it the longest idle ones close at once. */
  public int maxIdleConnections() {
    return maxIdleConnections;
  }

  /**
   * How long closing the fetcher lets the requests on its connections finish before cutting them
   * (a server that never ends a response cannot hold the close up longer).
   */
  public Duration closeGrace() {
    return closeGrace;
  }

  /** How long the address a host name resolved to is kept. */
  public Duration nameTtl() {
    return nameTtl;
  }

  /** How long the failure to resolve a host name is kept (its requests fail at once meanwhile). */
  public Duration nameFailureTtl() {
    return nameFailureTtl;
  }

  /** Most host names looked up at once (each lookup holds a thread of the fetcher's own). */
  public int lookupThreads() {
    return lookupThreads;
  }

  /**
   * How long an idle connection is kept.
   *
   * @deprecated a fetcher keeps connections, not pools: use {@link #connectionIdleTimeout()}
   */
  @Deprecated
  public Duration poolIdleTimeout() {
    return connectionIdleTimeout;
  }

  /**
   * Most idle connections kept.
   *
   * @deprecated a fetcher keeps connections, not pools: use {@link #maxIdleConnections()}
   */
  @Deprecated
  public int maxIdlePools() {
    return maxIdleConnections;
  }

  /**
   * The close grace.
   *
   * @deprecated a fetcher keeps connections, not pools: use {@link #closeGrace()}
   */
  @Deprecated
  public Duration poolCloseGrace() {
    return closeGrace;
  }

  /** Hosts whose connections go to a given address instead of what their name resolves to. */
  public List<PinnedAddress> resolve() {
    return resolve;
  }

  /** Which proxy connections go through, per scheme and host. */
  public ProxySettings proxy() {
    return proxy;
  }

  /** Whom TLS connections trust and which client certificate they offer. */
  public TlsSettings tls() {
    return tls;
  }

  /** A copy whose connections go through the proxies {@code value} chooses. */
  public FetchSettings withProxy(ProxySettings value) {
    return with(f -> f.proxy = value);
  }

  /** A copy whose TLS connections trust and offer what {@code value} says. */
  public FetchSettings withTls(TlsSettings value) {
    return with(f -> f.tls = value);
  }

  /**
   * Whether each host's robots.txt is fetched before its first request and obeyed: disallowed
   * URLs fail with kind {@code robots} without a request, and its {@code Crawl-delay} spaces the
   * host's starts.
   */
  public boolean obeysRobots() {
    return obeyRobots;
  }

  /** Most hosts whose robots.txt rules are kept; the least recently used beyond it are fetched again when needed. */
  public int robotsMaxHosts() {
    return robotsMaxHosts;
  }

  /** A copy that obeys each host's robots.txt (or ignores it). */
  public FetchSettings withRobots(boolean obey) {
    return with(f -> f.obeyRobots = obey);
  }

  /** A copy whose connections to these hosts go to their pinned addresses (empty: none). */
  public FetchSettings withResolve(List<PinnedAddress> value) {
    return with(f -> f.resolve = List.copyOf(value));
  }

  /** A copy that asks for compressed bodies and decodes them (or not). */
  public FetchSettings withCompressed(boolean value) {
    return with(f -> f.compressed = value);
  }

  /** A copy that hashes bodies (or not). */
  public FetchSettings withSha256(boolean value) {
    return with(f -> f.sha256 = value);
  }

  /** A copy reading bodies as {@code value} by default. */
  public FetchSettings withReadAs(ReadAs value) {
    return with(f -> f.readAs = value);
  }

  /** A copy whose idle connections close after {@code value}. */
  public FetchSettings withConnectionIdleTimeout(Duration value) {
    return with(f -> f.connectionIdleTimeout = value);
  }

  /**
   * A copy whose idle connections close after {@code value}.
   *
   * @deprecated a fetcher keeps connections, not pools: use {@link #withConnectionIdleTimeout}
   */
  @Deprecated
  public FetchSettings withPoolIdleTimeout(Duration value) {
    return withConnectionIdleTimeout(value);
  }

  /** A copy keeping at most {@code value} idle connections (0: none, every connection closes after its request). */
  public FetchSettings withMaxIdleConnections(int value) {
    return with(f -> f.maxIdleConnections = value);
  }

  /** A copy with another close grace. */
  public FetchSettings withCloseGrace(Duration value) {
    return with(f -> f.closeGrace = value);
  }

  /** A copy keeping resolved names for {@code ttl} and failed lookups for {@code failureTtl}. */
  public FetchSettings withNameCache(Duration ttl, Duration failureTtl) {
    return with(f -> {
      f.nameTtl = ttl;
      f.nameFailureTtl = failureTtl;
    });
  }

  /** A copy looking up at most {@code value} host names at once. */
  public FetchSettings withLookupThreads(int value) {
    return with(f -> f.lookupThreads = value);
  }

  /** A copy with another User-Agent. */
  public FetchSettings withUserAgent(String value) {
    return with(f -> f.userAgent = value);
  }

  /** A copy with a per-host circuit breaker opening after {@code maxFailures} (0: none). */
  public FetchSettings withCircuitBreaker(int maxFailures, Duration resetTimeout) {
    return with(f -> {
      f.breakerMaxFailures = maxFailures;
      f.breakerResetTimeout = resetTimeout;
    });
  }

  /** A copy with another per-attempt timeout. */
  public FetchSettings withTimeout(Duration value) {
    return with(f -> f.timeout = value);
  }

  /** A copy with another body cap, in bytes. */
  public FetchSettings withMaxBody(long value) {
    return with(f -> f.maxBody = value);
  }

  /** A copy that does (or does not) treat statuses of 400 or more as errors. */
  public FetchSettings withRaiseForStatus(boolean value) {
    return with(f -> f.raiseForStatus = value);
  }

  /** A copy that follows up to {@code value} redirects. */
  public FetchSettings withMaxRedirects(int value) {
    return with(f -> f.maxRedirects = value);
  }

  /** A copy with other retryable statuses. */
  public FetchSettings withRetryStatuses(List<Integer> value) {
    return with(f -> f.retryStatuses = Set.copyOf(value));
  }

  private FetchSettings with(Consumer<Fields> change) {
    Fields f = new Fields();
    f.timeout = timeout;
    f.maxBody = maxBody;
    f.raiseForStatus = raiseForStatus;
    f.maxRedirects = maxRedirects;
    f.retryStatuses = retryStatuses;
    f.userAgent = userAgent;
    f.breakerMaxFailures = breakerMaxFailures;
    f.breakerResetTimeout = breakerResetTimeout;
    f.compressed = compressed;
    f.sha256 = sha256;
    f.readAs = readAs;
    f.connectionIdleTimeout = connectionIdleTimeout;
    f.maxIdleConnections = maxIdleConnections;
    f.closeGrace = closeGrace;
    f.nameTtl = nameTtl;
    f.nameFailureTtl = nameFailureTtl;
    f.lookupThreads = lookupThreads;
    f.resolve = resolve;
    f.proxy = proxy;
    f.tls = tls;
    f.obeyRobots = obeyRobots;
    f.robotsMaxHosts = robotsMaxHosts;
    change.accept(f);
    return new FetchSettings(f);
  }

  /** The mutable scratch copy behind the withX methods. */
  private static final class Fields {
    Duration timeout;
    long maxBody;
    boolean raiseForStatus;
    int maxRedirects;
    Set<Integer> retryStatuses;
    String userAgent;
    int breakerMaxFailures;
    Duration breakerResetTimeout;
    boolean compressed;
    boolean sha256;
    ReadAs readAs;
    Duration connectionIdleTimeout;
    int maxIdleConnections;
    Duration closeGrace;
    Duration nameTtl;
    Duration nameFailureTtl;
    int lookupThreads;
    List<PinnedAddress> resolve;
    ProxySettings proxy;
    TlsSettings tls;
    boolean obeyRobots;
    int robotsMaxHosts;
  }
}
