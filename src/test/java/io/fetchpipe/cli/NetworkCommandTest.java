package io.fetchpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fetchpipe.http.server.ServerTls;
import io.fetchpipe.http.server.TestServer;
import io.fetchpipe.http.server.TlsIdentity;
import io.fetchpipe.testing.TestProxy;
import io.fetchpipe.testing.WithEmbeddedServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code fetchpipe fetch}'s network options in-process, with the environment given to the command
 * (never the test process's own): proxies from options and variables as curl reads them, TLS trust
 * and client certificates from PEM files, each bad file or value a usage error found before
 * anything is fetched.
 */
class NetworkCommandTest extends WithEmbeddedServer {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TlsIdentity CA = TlsIdentity.authority("fetchpipe CLI test CA");
  private static final TlsIdentity CLIENT_CA = TlsIdentity.authority("fetchpipe CLI client CA");
  private static final TlsIdentity CLIENT = CLIENT_CA.issue("a client");

  @TempDir Path dir;

  private TestServer https;
  private TestServer mutual;
  private TestProxy proxy;

  @BeforeEach
  void start() throws Exception {
    https =
        TestServer.start(
                testKit.system(), "127.0.0.1", 0, ServerTls.of(CA.issue("localhost", "127.0.0.1")))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    mutual =
        TestServer.start(
                testKit.system(),
                "127.0.0.1",
                0,
                ServerTls.of(CA.issue("localhost", "127.0.0.1"))
                    .requiringClientCertificates(CLIENT_CA))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    proxy = TestProxy.start();
    Files.writeString(dir.resolve("ca.pem"), CA.certificatePem());
    Files.writeString(dir.resolve("client.pem"), CLIENT.chainPem());
    Files.writeString(dir.resolve("client.key"), CLIENT.privateKeyPem());
    Files.writeString(dir.resolve("both.pem"), CLIENT.chainPem() + CLIENT.privateKeyPem());
    Files.writeString(dir.resolve("other.key"), TlsIdentity.authority("x").privateKeyPem());
    Files.writeString(
        dir.resolve("encrypted.key"),
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAQID\n-----END ENCRYPTED PRIVATE KEY-----\n");
    Files.writeString(dir.resolve("text.txt"), "not PEM\n");
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    https.stop(Duration.ofMillis(200)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    mutual.stop(Duration.ofMillis(200)).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** What one run printed and returned. */
  record Run(int exit, String out, String err) {
    List<JsonNode> lines() throws Exception {
      List<JsonNode> lines = new ArrayList<>();
      for (String line : out.split("\n")) {
        if (!line.isEmpty()) {
          lines.add(JSON.readTree(line));
        }
      }
      return lines;
    }
  }

  /**
   * Runs {@code fetchpipe args...} in-process over {@code urls}, with {@code environment} as its
   * environment.
   */
  private Run cli(Map<String, String> environment, List<String> urls, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Console console =
        Console.of(
                new ByteArrayInputStream(String.join("\n", urls).getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .withEnvironment(environment);
    List<String> all = new ArrayList<>(List.of("fetch", "-q"));
    all.addAll(List.of(args));
    all.add("-");
    int exit = Main.commandLine(console).execute(all.toArray(String[]::new));
    return new Run(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private String file(String name) {
    return dir.resolve(name).toString();
  }

  private String secure(String path) {
    return "https://localhost:" + https.port() + path;
  }

  private static void assertOk(Run run) throws Exception {
    assertEquals(0, run.exit(), run.out() + run.err());
    for (JsonNode line : run.lines()) {
      assertEquals(200, line.get("status").asInt(), line.toString());
    }
  }

  private static JsonNode onlyError(Run run) throws Exception {
    assertEquals(1, run.exit(), run.out() + run.err());
    assertEquals(1, run.lines().size(), run.out());
    return run.lines().get(0).get("error");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      --cacert missing.pem                       | --cacert
      --cacert text.txt                          | --cacert
      --cert missing.pem                         | --cert
      --cert client.pem                          | --cert
      --cert client.pem --key text.txt           | --key
      --cert client.pem --key encrypted.key      | --key
      --cert client.pem --key other.key          | --key
      --key client.key                           | --key needs --cert
      --proxy https://127.0.0.1:3128             | --proxy
      --proxy socks4://127.0.0.1:1080            | --proxy
      --proxy 127.0.0.1:99999                    | --proxy
      --noproxy a/b                              | --noproxy
      """)
  void aBadFileOrValueIsOneLineExitTwoAndNothingIsFetched(String args, String named)
      throws Exception {
    List<String> argv = new ArrayList<>();
    for (String arg : args.split(" ")) {
      argv.add(
          arg.endsWith(".pem") || arg.endsWith(".key") || arg.endsWith(".txt") ? file(arg) : arg);
    }
    Run run = cli(Map.of(), List.of(url("/get"), secure("/get")), argv.toArray(String[]::new));
    assertEquals(2, run.exit(), run.err());
    assertEquals("", run.out());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(run.err().startsWith("fetchpipe: ") && run.err().contains(named), run.err());
    assertEquals(0, server.stats().requests() + https.stats().requests(), "nothing fetched");
  }

  @Test
  void aBadProxyVariableIsAUsageErrorUnlessAnOptionOverridesIt() throws Exception {
    Map<String, String> environment = Map.of("HTTPS_PROXY", "https://proxy.example:3128");
    Run bad = cli(environment, List.of(url("/get")));
    assertEquals(2, bad.exit());
    assertEquals(
        "fetchpipe: bad proxy variable in the environment: HTTPS_PROXY: proxy 'https://proxy.example:3128': "
            + "a TLS connection to the proxy (https://) is not supported; use http://\n",
        bad.err());
    assertOk(cli(environment, List.of(url("/get")), "--proxy", ""));
  }

  @Test
  void httpsProxyCarriesHttpsUrlsAndNoProxyLetsHostsBypassIt() throws Exception {
    Map<String, String> environment = Map.of("HTTPS_PROXY", proxy.url(), "NO_PROXY", "127.0.0.1");
    assertOk(
        cli(
            environment,
            List.of(secure("/get"), "https://127.0.0.1:" + https.port() + "/get", url("/get")),
            "--cacert",
            file("ca.pem")));
    assertEquals(
        List.of(new TestProxy.Seen("CONNECT", "localhost:" + https.port(), null)),
        proxy.seen(),
        "https to localhost through the proxy; 127.0.0.1 bypasses it; http has no proxy of its own");
  }

  @Test
  void httpUrlsUseLowercaseHttpProxyOnlyAsCurlDoes() throws Exception {
    assertOk(cli(Map.of("HTTP_PROXY", proxy.url()), List.of(url("/get"))));
    assertEquals(0, proxy.seen().size(), "HTTP_PROXY in capitals is not read: " + proxy.seen());
    assertOk(cli(Map.of("http_proxy", proxy.url()), List.of(url("/get"))));
    assertEquals(List.of(new TestProxy.Seen("GET", url("/get"), null)), proxy.seen());
  }

  @Test
  void allProxyServesBothSchemesWhenTheirOwnIsUnset() throws Exception {
    assertOk(
        cli(
            Map.of("ALL_PROXY", proxy.url()),
            List.of(url("/get"), secure("/get")),
            "--cacert",
            file("ca.pem")));
    assertEquals(1, proxy.count("GET"));
    assertEquals(1, proxy.count("CONNECT"));
  }

  @Test
  void optionsWinOverTheEnvironment() throws Exception {
    String nowhere = "http://127.0.0.1:" + TestProxy.unusedPort();
    Map<String, String> environment =
        Map.of("https_proxy", nowhere, "http_proxy", nowhere, "no_proxy", "localhost");
    assertOk(
        cli(
            environment,
            List.of(secure("/get"), url("/get")),
            "--cacert",
            file("ca.pem"),
            "--proxy",
            proxy.url(),
            "--noproxy",
            "example.com"));
    assertEquals(
        2,
        proxy.seen().size(),
        "--proxy replaced the variables, --noproxy NO_PROXY: " + proxy.seen());
    assertOk(
        cli(
            environment,
            List.of(secure("/get"), url("/get")),
            "--cacert",
            file("ca.pem"),
            "--proxy",
            ""));
    assertEquals(2, proxy.seen().size(), "--proxy '' went direct");
  }

  @Test
  void aSocks5ProxyCarriesBothSchemes() throws Exception {
    assertOk(
        cli(
            Map.of(),
            List.of(url("/get"), secure("/get")),
            "--proxy",
            "socks5h://127.0.0.1:" + proxy.port(),
            "--cacert",
            file("ca.pem")));
    assertEquals(2, proxy.count("SOCKS5"), proxy.seen().toString());
  }

  @Test
  void anUnreachableOrRefusingProxyIsAProxyLine() throws Exception {
    String nowhere = "http://127.0.0.1:" + TestProxy.unusedPort();
    JsonNode unreachable = onlyError(cli(Map.of(), List.of(url("/get")), "--proxy", nowhere));
    assertEquals("proxy", unreachable.get("kind").asText());
    assertTrue(
        unreachable.get("message").asText().startsWith("proxy " + nowhere + " unreachable"),
        unreachable.toString());
    try (TestProxy wanting = TestProxy.requiringCredentials("u", "p")) {
      JsonNode refused =
          onlyError(
              cli(
                  Map.of(),
                  List.of(secure("/get")),
                  "--proxy",
                  wanting.url(),
                  "--cacert",
                  file("ca.pem")));
      assertEquals("proxy", refused.get("kind").asText());
      assertTrue(refused.get("message").asText().contains("407"), refused.toString());
      assertOk(
          cli(
              Map.of(),
              List.of(secure("/get"), url("/get")),
              "--proxy",
              "http://u:p@127.0.0.1:" + wanting.port(),
              "--cacert",
              file("ca.pem")));
    }
  }

  @Test
  void trustComesFromCacertOrInsecure() throws Exception {
    JsonNode untrusted = onlyError(cli(Map.of(), List.of(secure("/get"))));
    assertEquals("tls", untrusted.get("kind").asText());
    assertTrue(
        untrusted.get("message").asText().startsWith("untrusted certificate"),
        untrusted.toString());
    assertOk(cli(Map.of(), List.of(secure("/get")), "--cacert", file("ca.pem")));
    assertOk(cli(Map.of(), List.of(secure("/get")), "-k"));
    assertOk(cli(Map.of(), List.of(secure("/get")), "--insecure"));
    assertEquals(3, https.stats().requests());
  }

  @Test
  void aClientCertificateGetsThroughToAServerThatRequiresOne() throws Exception {
    String url = "https://localhost:" + mutual.port() + "/get";
    JsonNode refused = onlyError(cli(Map.of(), List.of(url), "--cacert", file("ca.pem")));
    assertEquals("tls", refused.get("kind").asText(), refused.toString());
    assertOk(
        cli(
            Map.of(),
            List.of(url),
            "--cacert",
            file("ca.pem"),
            "--cert",
            file("client.pem"),
            "--key",
            file("client.key")));
    assertOk(cli(Map.of(), List.of(url), "--cacert", file("ca.pem"), "--cert", file("both.pem")));
    assertEquals(2, mutual.stats().requests());
  }

  @Test
  void helpListsTheNetworkOptionsWithTheContractsDefaults() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Main.run(
        new String[] {"fetch", "--help"},
        new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream()));
    List<String> help = out.toString(StandardCharsets.UTF_8).lines().toList();
    for (String[] row :
        new String[][] {
          {"--proxy=URL", "from the environment"},
          {"--noproxy=LIST", "from the environment"},
          {"--cacert=FILE", "the JDK's trust store"},
          {"-k, --insecure", "off"},
          {"--cert=FILE", "none"},
          {"--key=FILE", "none"}
        }) {
      assertTrue(
          entry(help, row[0]).contains("(default: " + row[1] + ")"),
          row[0] + ": " + entry(help, row[0]));
    }
  }

  /**
   * The option's entry in the usage (its line and the lines continuing it), whitespace collapsed.
   */
  private static String entry(List<String> help, String option) {
    for (int i = 0; i < help.size(); i++) {
      if (help.get(i).trim().startsWith(option + " ")) {
        StringBuilder entry = new StringBuilder(help.get(i));
        for (int j = i + 1; j < help.size() && !help.get(j).trim().startsWith("-"); j++) {
          entry.append(' ').append(help.get(j));
        }
        return entry.toString().replaceAll("\\s+", " ");
      }
    }
    throw new AssertionError(option + " is not in fetch --help: " + help);
  }
}
