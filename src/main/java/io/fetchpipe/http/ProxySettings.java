package io.fetchpipe.http;

import com.typesafe.config.Config;
import io.fetchpipe.core.internal.SettingKey;
import io.fetchpipe.core.internal.SettingsTable;
import io.fetchpipe.http.internal.NoProxyList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Which proxy a fetcher's connections go through, per URL scheme, and which hosts bypass it: what
 * curl takes from {@code --proxy}, {@code --noproxy} and the environment, and aiohttp from {@code
 * trust_env}. Defaults come from {@code fetchpipe.http.proxy} in {@code reference.conf} (no proxy;
 * the environment is read only when {@code from-environment} says so, or through {@link
 * #withEnvironment}). An application with its own rules gives a {@link ProxyChoice} instead.
 *
 * <p>An https URL goes through an HTTP proxy in a {@code CONNECT} tunnel (TLS runs end to end, with
 * the URL's host name), an http URL is sent to it in absolute form; a SOCKS5 proxy tunnels both.
 * The choice is made per host (scheme, host, port), when the fetcher opens that host's connections.
 */
public final class ProxySettings {
  private static final ProxySettings NONE = new ProxySettings(null, null, List.of(), null);
  private static final SettingKey<ProxySettings, Optional<ProxyServer>> HTTP =
      SettingKey.of("http", ProxySettings::server, ProxySettings::url, ProxySettings::httpProxy);
  private static final SettingKey<ProxySettings, Optional<ProxyServer>> HTTPS =
      SettingKey.of("https", ProxySettings::server, ProxySettings::url, ProxySettings::httpsProxy);
  private static final SettingKey<ProxySettings, List<String>> NO_PROXY =
      SettingKey.ofStringList("no-proxy", ProxySettings::noProxy);
  // Applied when the settings are read: what the environment said travels as the values above.
  private static final SettingKey<ProxySettings, Boolean> FROM_ENVIRONMENT =
      SettingKey.ofBoolean("from-environment", settings -> false);
  private static final SettingsTable<ProxySettings> KEYS =
      SettingsTable.of(
              "fetchpipe.http.proxy",
              ProxySettings::fromValues,
              HTTP,
              HTTPS,
              NO_PROXY,
              FROM_ENVIRONMENT)
          .checkingWrites(ProxySettings::describable);

  private final ProxyServer http;
  private final ProxyServer https;
  private final List<String> noProxy;
  private final NoProxyList bypass;
  private final ProxyChoice choice;

  private ProxySettings(
      ProxyServer http, ProxyServer https, List<String> noProxy, ProxyChoice choice) {
    this.http = http;
    this.https = https;
    this.noProxy = List.copyOf(noProxy);
    this.bypass = NoProxyList.of(this.noProxy);
    this.choice = choice;
  }

  private static ProxySettings fromValues(SettingsTable.Values<ProxySettings> v) {
    ProxySettings settings =
        new ProxySettings(
            v.get(HTTP).orElse(null),
            v.get(HTTPS).orElse(null),
            checkedNoProxy(v.get(NO_PROXY)),
            null);
    return v.get(FROM_ENVIRONMENT) ? settings.withEnvironment(System.getenv()) : settings;
  }

  /** No proxy: every connection goes direct. */
  public static ProxySettings none() {
    return NONE;
  }

  /**
   * The library's defaults: {@code fetchpipe.http.proxy} as {@code reference.conf} has it (no
   * proxy).
   */
  public static ProxySettings defaults() {
    return KEYS.defaults();
  }

  /** Reads {@code fetchpipe.http.proxy} from the system's config, as {@link #create(Config)}. */
  public static ProxySettings create(ActorSystem<?> system) {
    return create(system.settings().config());
  }

  /**
   * Reads {@code fetchpipe.http.proxy} from a full config; with {@code from-environment = on}, what
   * it leaves unset is read from this process's environment ({@link #withEnvironment}).
   *
   * @throws IllegalArgumentException for a proxy URL or no-proxy entry that cannot be read
   */
  public static ProxySettings create(Config root) {
    return KEYS.read(root);
  }

  private static Optional<ProxyServer> server(Config section, String key) {
    String url = section.getString(key);
    if (url.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(ProxyServer.parse(url));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("proxy." + key + ": " + e.getMessage(), e);
    }
  }

  private static String url(Optional<ProxyServer> proxy) {
    return proxy.map(ProxyServer::toUrl).orElse("");
  }

  /**
   * A copy in which what is unset (the proxy of a scheme, the no-proxy list) is taken from {@code
   * environment} as curl reads it: {@code https_proxy}, else {@code HTTPS_PROXY}, for https URLs;
   * {@code http_proxy} (lowercase only, as curl: a CGI program's environment may carry a request's
   * {@code Proxy:} header as {@code HTTP_PROXY}) for http URLs; {@code all_proxy}, else {@code
   * ALL_PROXY}, for either when its own is unset; {@code no_proxy}, else {@code NO_PROXY}, as the
   * no-proxy list. Empty variables count as unset. What is already set wins, so an application's or
   * a command line's own choice overrides the environment.
   *
   * @param environment e.g. {@code System.getenv()}
   * @throws IllegalArgumentException naming the variable whose value cannot be read
   */
  public ProxySettings withEnvironment(Map<String, String> environment) {
    if (choice != null) {
      return this;
    }
    Variable all = variable(environment, "all_proxy", "ALL_PROXY");
    Variable forHttps = variable(environment, "https_proxy", "HTTPS_PROXY");
    forHttps = forHttps != null ? forHttps : all;
    Variable forHttp = variable(environment, "http_proxy", null);
    forHttp = forHttp != null ? forHttp : all;
    Variable bypassing = variable(environment, "no_proxy", "NO_PROXY");
    return new ProxySettings(
        http != null || forHttp == null ? http : forHttp.proxy(),
        https != null || forHttps == null ? https : forHttps.proxy(),
        !noProxy.isEmpty() || bypassing == null ? noProxy : bypassing.noProxy(),
        null);
  }

  /** The first of the two variables that is set and not blank, or null. */
  private static Variable variable(Map<String, String> environment, String lower, String upper) {
    for (String name : upper == null ? new String[] {lower} : new String[] {lower, upper}) {
      String value = environment.get(name);
      if (value != null && !value.isBlank()) {
        return new Variable(name, value);
      }
    }
    return null;
  }

  /** An environment variable, read with its name in the message when it cannot be. */
  private record Variable(String name, String value) {
    ProxyServer proxy() {
      try {
        return ProxyServer.parse(value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
      }
    }

    List<String> noProxy() {
      try {
        return checkedNoProxy(NoProxyList.split(value));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
      }
    }
  }

  private static List<String> checkedNoProxy(List<String> entries) {
    entries.forEach(NoProxyList::check);
    return entries;
  }

  /** A copy in which URLs of both schemes go through {@code proxy}. */
  public ProxySettings withProxy(ProxyServer proxy) {
    Objects.requireNonNull(proxy, "proxy");
    return new ProxySettings(proxy, proxy, noProxy, null);
  }

  /**
   * A copy in which URLs of both schemes go direct (curl's {@code --proxy ''}), whatever the
   * environment says.
   */
  public ProxySettings withoutProxy() {
    return new ProxySettings(null, null, noProxy, null);
  }

  /** A copy in which http URLs go through {@code proxy} (null: direct). */
  public ProxySettings withHttpProxy(ProxyServer proxy) {
    return new ProxySettings(proxy, https, noProxy, null);
  }

  /** A copy in which https URLs go through {@code proxy} (null: direct). */
  public ProxySettings withHttpsProxy(ProxyServer proxy) {
    return new ProxySettings(http, proxy, noProxy, null);
  }

  /**
   * A copy in which these hosts bypass the proxy: names match themselves and their subdomains, IP
   * addresses themselves, {@code addr/bits} a range, {@code *} every host.
   *
   * @throws IllegalArgumentException naming an entry that is none of these
   */
  public ProxySettings withNoProxy(List<String> hosts) {
    return new ProxySettings(http, https, checkedNoProxy(List.copyOf(hosts)), null);
  }

  /**
   * A copy that asks {@code choice} for each host instead (the proxies and no-proxy list above no
   * longer apply). Such settings cannot travel to a cluster's other nodes: {@link #toConfig()}
   * refuses them.
   */
  public ProxySettings withChoice(ProxyChoice choice) {
    return new ProxySettings(null, null, List.of(), Objects.requireNonNull(choice, "choice"));
  }

  /**
   * The proxy for connections to {@code host:port} of URLs with {@code scheme}, or empty for a
   * direct connection.
   */
  public Optional<ProxyServer> proxyFor(String scheme, String host, int port) {
    if (choice != null) {
      return choice.proxyFor(scheme, host, port);
    }
    ProxyServer proxy = scheme.equals("https") ? https : http;
    return proxy == null || bypass.matches(host) ? Optional.empty() : Optional.of(proxy);
  }

  /** The proxy for http URLs, if any (empty too when a {@link ProxyChoice} decides). */
  public Optional<ProxyServer> httpProxy() {
    return Optional.ofNullable(http);
  }

  /** The proxy for https URLs, if any (empty too when a {@link ProxyChoice} decides). */
  public Optional<ProxyServer> httpsProxy() {
    return Optional.ofNullable(https);
  }

  /** The hosts that bypass the proxy, as given. */
  public List<String> noProxy() {
    return noProxy;
  }

  /** The application's own choice, if it gave one. */
  public Optional<ProxyChoice> choice() {
    return Optional.ofNullable(choice);
  }

  /**
   * These settings as the {@code fetchpipe.http.proxy} section of a config ({@code
   * from-environment} off: what the environment said is in the values), which {@link
   * #create(Config)} reads back: how they travel to the other nodes of a cluster.
   *
   * @throws IllegalStateException when a {@link ProxyChoice} decides, which config cannot describe
   */
  public Config toConfig() {
    return KEYS.write(this);
  }

  private static void describable(ProxySettings settings) {
    if (settings.choice != null) {
      throw new IllegalStateException(
          "a ProxyChoice cannot be described in config, so cannot travel to other nodes");
    }
  }

  /** The table of keys behind reading and writing. */
  static SettingsTable<ProxySettings> keys() {
    return KEYS;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ProxySettings that
        && Objects.equals(http, that.http)
        && Objects.equals(https, that.https)
        && noProxy.equals(that.noProxy)
        && Objects.equals(choice, that.choice);
  }

  @Override
  public int hashCode() {
    return Objects.hash(http, https, noProxy, choice);
  }

  /** The proxies and the bypass list, passwords hidden. */
  @Override
  public String toString() {
    return choice != null
        ? "ProxySettings(" + choice + ")"
        : "ProxySettings(http=" + http + ", https=" + https + ", no-proxy=" + noProxy + ")";
  }
}
