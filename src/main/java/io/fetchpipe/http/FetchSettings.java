package io.fetchpipe.http;

import com.typesafe.config.Config;
import io.fetchpipe.core.ConfigDurations;
import io.fetchpipe.core.internal.SettingKey;
import io.fetchpipe.core.internal.SettingsTable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.LoggerFactory;

/**
 * How each URL is fetched: the per-attempt timeout, the body cap, whether error statuses are
 * errors, how many redirects to follow, which statuses are worth a retry, whether hosts' robots.txt
 * is obeyed, how connections reach hosts (pinned addresses, {@link ProxySettings proxies}, {@link
 * TlsSettings TLS trust and client certificates}), and how long connections and resolved names are
 * kept. Defaults come from {@code fetchpipe.http} in {@code reference.conf}; the {@code withX}
 * methods return changed copies. How many requests run at once, the rate and the retry budget are
 * the pool's settings ({@link io.fetchpipe.core.PoolSettings}).
 */
public final class FetchSettings {
  private static final SettingKey<FetchSettings, Duration> TIMEOUT =
      SettingKey.ofDuration("timeout", FetchSettings::timeout);
  private static final SettingKey<FetchSettings, Long> MAX_BODY =
      SettingKey.ofBytes("max-body", FetchSettings::maxBody);
  private static final SettingKey<FetchSettings, Boolean> RAISE_FOR_STATUS =
      SettingKey.ofBoolean("raise-for-status", FetchSettings::raiseForStatus);
  private static final SettingKey<FetchSettings, Integer> MAX_REDIRECTS =
      SettingKey.ofInt("max-redirects", FetchSettings::maxRedirects);
  private static final SettingKey<FetchSettings, Set<Integer>> RETRY_STATUSES =
      SettingKey.of(
          "retry-statuses",
          (c, p) -> Set.copyOf(c.getIntList(p)),
          value -> List.copyOf(new TreeSet<>(value)),
          FetchSettings::retryStatuses);
  private static final SettingKey<FetchSettings, String> USER_AGENT =
      SettingKey.ofString("user-agent", FetchSettings::userAgent);
  private static final SettingKey<FetchSettings, Integer> BREAKER_MAX_FAILURES =
      SettingKey.ofInt("circuit-breaker.max-failures", FetchSettings::breakerMaxFailures);
  private static final SettingKey<FetchSettings, Duration> BREAKER_RESET_TIMEOUT =
      SettingKey.ofDuration("circuit-breaker.reset-timeout", FetchSettings::breakerResetTimeout);
  private static final SettingKey<FetchSettings, Boolean> COMPRESSED =
      SettingKey.ofBoolean("compressed", FetchSettings::compressed);
  private static final SettingKey<FetchSettings, Boolean> SHA256 =
      SettingKey.ofBoolean("sha256", FetchSettings::sha256);
  private static final SettingKey<FetchSettings, ReadAs> READ_AS =
      SettingKey.of(
          "read-as",
          (c, p) -> readAs(c.getString(p)),
          FetchSettings::readAsName,
          FetchSettings::readAs);
  private static final SettingKey<FetchSettings, Duration> CONNECTION_IDLE_TIMEOUT =
      SettingKey.of(
          "connections.idle-timeout",
          (c, p) -> c.getDuration(renamed(c, p, "connection-pools.idle-timeout")),
          SettingKey::durationText,
          FetchSettings::connectionIdleTimeout);
  private static final SettingKey<FetchSettings, Integer> MAX_IDLE_CONNECTIONS =
      SettingKey.of(
          "connections.max-idle",
          (c, p) -> c.getInt(renamed(c, p, "connection-pools.max-idle")),
          value -> value,
          FetchSettings::maxIdleConnections);
  private static final SettingKey<FetchSettings, Duration> CLOSE_GRACE =
      SettingKey.of(
          "connections.close-grace",
          (c, p) -> c.getDuration(renamed(c, p, "connection-pools.close-grace")),
          SettingKey::durationText,
          FetchSettings::closeGrace);
  private static final SettingKey<FetchSettings, Duration> NAME_TTL =
      SettingKey.ofDuration("names.ttl", FetchSettings::nameTtl);
  private static final SettingKey<FetchSettings, Duration> NAME_FAILURE_TTL =
      SettingKey.ofDuration("names.failure-ttl", FetchSettings::nameFailureTtl);
  private static final SettingKey<FetchSettings, Integer> LOOKUP_THREADS =
      SettingKey.ofInt("names.lookup-threads", FetchSettings::lookupThreads);
  private static final SettingKey<FetchSettings, List<PinnedAddress>> RESOLVE =
      SettingKey.of(
          "resolve",
          (c, p) -> c.getStringList(p).stream().map(FetchSettings::pinned).toList(),
          value -> value.stream().map(PinnedAddress::toString).toList(),
          FetchSettings::resolve);
  private static final SettingKey<FetchSettings, ProxySettings> PROXY =
      SettingKey.ofSection("proxy", ProxySettings.keys(), FetchSettings::proxy);
  private static final SettingKey<FetchSettings, TlsSettings> TLS =
      SettingKey.ofSection("tls", TlsSettings.keys(), FetchSettings::tls);
  private static final SettingKey<FetchSettings, Boolean> OBEY_ROBOTS =
      SettingKey.of(
          "robots.mode",
          (c, p) -> robots(c.getString(p)),
          obey -> obey ? "obey" : "ignore",
          FetchSettings::obeysRobots);
  private static final SettingKey<FetchSettings, Integer> ROBOTS_MAX_HOSTS =
      SettingKey.ofInt("robots.max-hosts", FetchSettings::robotsMaxHosts);
  private static final SettingsTable<FetchSettings> KEYS =
      SettingsTable.of(
          "fetchpipe.http",
          FetchSettings::new,
          TIMEOUT,
          MAX_BODY,
          RAISE_FOR_STATUS,
          MAX_REDIRECTS,
          RETRY_STATUSES,
          USER_AGENT,
          BREAKER_MAX_FAILURES,
          BREAKER_RESET_TIMEOUT,
          COMPRESSED,
          SHA256,
          READ_AS,
          CONNECTION_IDLE_TIMEOUT,
          MAX_IDLE_CONNECTIONS,
          CLOSE_GRACE,
          NAME_TTL,
          NAME_FAILURE_TTL,
          LOOKUP_THREADS,
          RESOLVE,
          PROXY,
          TLS,
          OBEY_ROBOTS,
          ROBOTS_MAX_HOSTS);

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

  private FetchSettings(SettingsTable.Values<FetchSettings> v) {
    this.timeout = ConfigDurations.positive(v.get(TIMEOUT), "timeout");
    this.maxBody = v.get(MAX_BODY);
    this.maxRedirects = v.get(MAX_REDIRECTS);
    if (maxBody < 0) {
      throw new IllegalArgumentException("max-body must not be negative, got " + maxBody);
    }
    if (maxRedirects < 0) {
      throw new IllegalArgumentException("max-redirects must not be negative, got " + maxRedirects);
    }
    this.raiseForStatus = v.get(RAISE_FOR_STATUS);
    this.retryStatuses = Set.copyOf(v.get(RETRY_STATUSES));
    this.userAgent = Objects.requireNonNull(v.get(USER_AGENT), "user-agent");
    this.breakerMaxFailures = v.get(BREAKER_MAX_FAILURES);
    if (breakerMaxFailures < 0) {
      throw new IllegalArgumentException(
          "circuit-breaker.max-failures must not be negative, got " + breakerMaxFailures);
    }
    this.breakerResetTimeout =
        ConfigDurations.positive(v.get(BREAKER_RESET_TIMEOUT), "circuit-breaker.reset-timeout");
    this.compressed = v.get(COMPRESSED);
    this.sha256 = v.get(SHA256);
    this.readAs = Objects.requireNonNull(v.get(READ_AS), "read-as");
    this.connectionIdleTimeout =
        ConfigDurations.positive(v.get(CONNECTION_IDLE_TIMEOUT), "connections.idle-timeout");
    this.maxIdleConnections = v.get(MAX_IDLE_CONNECTIONS);
    if (maxIdleConnections < 0) {
      throw new IllegalArgumentException(
          "connections.max-idle must not be negative, got " + maxIdleConnections);
    }
    this.closeGrace = ConfigDurations.positive(v.get(CLOSE_GRACE), "connections.close-grace");
    this.nameTtl = ConfigDurations.positive(v.get(NAME_TTL), "names.ttl");
    this.nameFailureTtl = ConfigDurations.positive(v.get(NAME_FAILURE_TTL), "names.failure-ttl");
    this.lookupThreads = v.get(LOOKUP_THREADS);
    if (lookupThreads < 1) {
      throw new IllegalArgumentException(
          "names.lookup-threads must be at least 1, got " + lookupThreads);
    }
    this.resolve = List.copyOf(v.get(RESOLVE));
    this.proxy = Objects.requireNonNull(v.get(PROXY), "proxy");
    this.tls = Objects.requireNonNull(v.get(TLS), "tls");
    this.obeyRobots = v.get(OBEY_ROBOTS);
    this.robotsMaxHosts = v.get(ROBOTS_MAX_HOSTS);
    if (robotsMaxHosts < 1) {
      throw new IllegalArgumentException(
          "robots.max-hosts must be at least 1, got " + robotsMaxHosts);
    }
  }

  /** Reads {@code fetchpipe.http} from the system's config. */
  public static FetchSettings create(ActorSystem<?> system) {
    return create(system.settings().config());
  }

  /** Reads {@code fetchpipe.http} from a full config. */
  public static FetchSettings create(Config root) {
    return KEYS.read(root);
  }

  /** The library's defaults: {@code fetchpipe.http} as {@code reference.conf} has it. */
  public static FetchSettings defaults() {
    return KEYS.defaults();
  }

  /** The table of keys behind reading, writing and copying. */
  static SettingsTable<FetchSettings> keys() {
    return KEYS;
  }

  /**
   * The key to read: {@code current}, unless the config still sets the key it replaced (which
   * reference.conf no longer has, so an application set it), which then wins, with a warning.
   */
  private static String renamed(Config c, String current, String old) {
    if (!c.hasPath(old)) {
      return current;
    }
    LoggerFactory.getLogger(FetchSettings.class)
        .warn(
            "fetchpipe.http.{} is deprecated: a fetcher keeps connections, not pools; set fetchpipe.http.{} instead",
            old,
            current);
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
      default ->
          throw new IllegalArgumentException(
              "robots.mode must be obey or ignore, got '" + mode + "'");
    };
  }

  private static ReadAs readAs(String name) {
    return switch (name) {
      case "discard" -> ReadAs.discard();
      case "bytes" -> ReadAs.bytes();
      case "text" -> ReadAs.text();
      default ->
          throw new IllegalArgumentException(
              "read-as must be discard, bytes or text, got '" + name + "'");
    };
  }

  /**
   * These settings as the {@code fetchpipe.http} section of a config, which {@link #create(Config)}
   * reads back to equal settings: how they travel to the other nodes of a cluster.
   *
   * @throws IllegalStateException when bodies are read into a file or a sink, or an application's
   *     own {@link ProxyChoice} or {@link javax.net.ssl.SSLContext} is in use, which config cannot
   *     describe
   */
  public Config toConfig() {
    return KEYS.write(this);
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

  @Override
  public boolean equals(Object other) {
    return KEYS.equal(this, other);
  }

  @Override
  public int hashCode() {
    return KEYS.hash(this);
  }

  @Override
  public String toString() {
    return KEYS.describe(this);
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

  /**
   * Whether compressed bodies are asked for ({@code Accept-Encoding: gzip, deflate}) and decoded.
   */
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
   * How long closing the fetcher lets the requests on its connections finish before cutting them (a
   * server that never ends a response cannot hold the close up longer).
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
    return KEYS.with(this, PROXY, value);
  }

  /** A copy whose TLS connections trust and offer what {@code value} says. */
  public FetchSettings withTls(TlsSettings value) {
    return KEYS.with(this, TLS, value);
  }

  /**
   * Whether each host's robots.txt is fetched before its first request and obeyed: disallowed URLs
   * fail with kind {@code robots} without a request, and its {@code Crawl-delay} spaces the host's
   * starts.
   */
  public boolean obeysRobots() {
    return obeyRobots;
  }

  /**
   * Most hosts whose robots.txt rules are kept; the least recently used beyond it are fetched again
   * when needed.
   */
  public int robotsMaxHosts() {
    return robotsMaxHosts;
  }

  /** A copy keeping the robots.txt rules of at most {@code value} hosts. */
  public FetchSettings withRobotsMaxHosts(int value) {
    return KEYS.with(this, ROBOTS_MAX_HOSTS, value);
  }

  /** A copy that obeys each host's robots.txt (or ignores it). */
  public FetchSettings withRobots(boolean obey) {
    return KEYS.with(this, OBEY_ROBOTS, obey);
  }

  /** A copy whose connections to these hosts go to their pinned addresses (empty: none). */
  public FetchSettings withResolve(List<PinnedAddress> value) {
    return KEYS.with(this, RESOLVE, List.copyOf(value));
  }

  /** A copy that asks for compressed bodies and decodes them (or not). */
  public FetchSettings withCompressed(boolean value) {
    return KEYS.with(this, COMPRESSED, value);
  }

  /** A copy that hashes bodies (or not). */
  public FetchSettings withSha256(boolean value) {
    return KEYS.with(this, SHA256, value);
  }

  /** A copy reading bodies as {@code value} by default. */
  public FetchSettings withReadAs(ReadAs value) {
    return KEYS.with(this, READ_AS, value);
  }

  /** A copy whose idle connections close after {@code value}. */
  public FetchSettings withConnectionIdleTimeout(Duration value) {
    return KEYS.with(this, CONNECTION_IDLE_TIMEOUT, value);
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

  /**
   * A copy keeping at most {@code value} idle connections (0: none, every connection closes after
   * its request).
   */
  public FetchSettings withMaxIdleConnections(int value) {
    return KEYS.with(this, MAX_IDLE_CONNECTIONS, value);
  }

  /** A copy with another close grace. */
  public FetchSettings withCloseGrace(Duration value) {
    return KEYS.with(this, CLOSE_GRACE, value);
  }

  /** A copy keeping resolved names for {@code ttl} and failed lookups for {@code failureTtl}. */
  public FetchSettings withNameCache(Duration ttl, Duration failureTtl) {
    return KEYS.copy(this, v -> v.with(NAME_TTL, ttl).with(NAME_FAILURE_TTL, failureTtl));
  }

  /** A copy looking up at most {@code value} host names at once. */
  public FetchSettings withLookupThreads(int value) {
    return KEYS.with(this, LOOKUP_THREADS, value);
  }

  /** A copy with another User-Agent. */
  public FetchSettings withUserAgent(String value) {
    return KEYS.with(this, USER_AGENT, value);
  }

  /** A copy with a per-host circuit breaker opening after {@code maxFailures} (0: none). */
  public FetchSettings withCircuitBreaker(int maxFailures, Duration resetTimeout) {
    return KEYS.copy(
        this,
        v -> v.with(BREAKER_MAX_FAILURES, maxFailures).with(BREAKER_RESET_TIMEOUT, resetTimeout));
  }

  /** A copy with another per-attempt timeout. */
  public FetchSettings withTimeout(Duration value) {
    return KEYS.with(this, TIMEOUT, value);
  }

  /** A copy with another body cap, in bytes. */
  public FetchSettings withMaxBody(long value) {
    return KEYS.with(this, MAX_BODY, value);
  }

  /** A copy that does (or does not) treat statuses of 400 or more as errors. */
  public FetchSettings withRaiseForStatus(boolean value) {
    return KEYS.with(this, RAISE_FOR_STATUS, value);
  }

  /** A copy that follows up to {@code value} redirects. */
  public FetchSettings withMaxRedirects(int value) {
    return KEYS.with(this, MAX_REDIRECTS, value);
  }

  /** A copy with other retryable statuses. */
  public FetchSettings withRetryStatuses(List<Integer> value) {
    return KEYS.with(this, RETRY_STATUSES, Set.copyOf(value));
  }
}
