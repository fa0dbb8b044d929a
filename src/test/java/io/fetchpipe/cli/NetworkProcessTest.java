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
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Networks in real processes: {@code serve --tls} writes a certificate that {@code fetch --cacert}
 * trusts, {@code fetch} reads its proxy from its process environment, and a cluster's workers fetch
 * with the coordinator's proxy, trust and client certificate without having its files.
 */
class NetworkProcessTest extends WithEmbeddedServer {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> PROXY_VARIABLES =
      List.of(
          "http_proxy",
          "https_proxy",
          "HTTPS_PROXY",
          "all_proxy",
          "ALL_PROXY",
          "no_proxy",
          "NO_PROXY");

  @TempDir Path dir;

  /**
   * {@code fetchpipe args...} as a process with {@code environment} as its proxy variables (only
   * those).
   */
  private CliProcess start(String name, Map<String, String> environment, String... args)
      throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(CliProcess.command(List.of(), args))
            .redirectOutput(dir.resolve(name + ".out").toFile())
            .redirectError(dir.resolve(name + ".err").toFile());
    PROXY_VARIABLES.forEach(builder.environment()::remove);
    builder.environment().putAll(environment);
    return CliProcess.of(builder.start(), dir.resolve(name + ".out"), dir.resolve(name + ".err"));
  }

  private static List<JsonNode> lines(Path file) throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }

  private static void assertAllOk(List<JsonNode> lines, int count) {
    assertEquals(count, lines.size(), lines.toString());
    for (JsonNode line : lines) {
      assertEquals(200, line.get("status").asInt(), line.toString());
    }
  }

  @Test
  void serveTlsWritesTheCertificateThatFetchTrustsThroughTheEnvironmentsProxy() throws Exception {
    Path certificate = dir.resolve("served.pem");
    try (TestProxy proxy = TestProxy.start();
        CliProcess serve =
            start("serve", Map.of(), "serve", "--port", "0", "--tls", certificate.toString())) {
      String address = serve.firstLine(600);
      assertTrue(address.startsWith("https://127.0.0.1:"), address);
      String port = address.substring(address.lastIndexOf(':') + 1);
      Path urls =
          Files.write(
              dir.resolve("urls.txt"),
              List.of(
                  address + "/get",
                  "https://localhost:" + port + "/get",
                  "https://127.0.0.1:" + port + "/get?direct"));

      // The variables as curl reads them, from the process's environment: NO_PROXY matches no URL
      // here.
      CliProcess fetch =
          start(
              "fetch",
              Map.of("HTTPS_PROXY", proxy.url(), "NO_PROXY", "example.com"),
              "fetch",
              "-q",
              "--cacert",
              certificate.toString(),
              "-o",
              dir.resolve("out.jsonl").toString(),
              urls.toString());
      assertEquals(0, fetch.exit(60), fetch.stderr());
      assertAllOk(lines(dir.resolve("out.jsonl")), 3);
      assertEquals(
          List.of("127.0.0.1:" + port, "localhost:" + port),
          proxy.seen().stream().map(TestProxy.Seen::target).distinct().sorted().toList());

      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Console console =
          Console.of(
                  new ByteArrayInputStream((address + "/get\n").getBytes(StandardCharsets.UTF_8)),
                  new PrintStream(out, true, StandardCharsets.UTF_8),
                  new PrintStream(new ByteArrayOutputStream()))
              .withEnvironment(Map.of());
      assertEquals(1, Main.commandLine(console).execute("fetch", "-q", "-"));
      JsonNode untrusted = JSON.readTree(out.toString(StandardCharsets.UTF_8));
      assertEquals(
          "tls", untrusted.get("error").get("kind").asText(), "without --cacert: " + untrusted);
    }
  }

  @Test
  void workersFetchWithTheCoordinatorsProxyTrustAndClientCertificate() throws Exception {
    TlsIdentity ca = TlsIdentity.authority("cluster test CA");
    TlsIdentity clientCa = TlsIdentity.authority("cluster client CA");
    TlsIdentity client = clientCa.issue("the coordinator's client");
    TestServer mutual =
        TestServer.start(
                testKit.system(),
                "127.0.0.1",
                0,
                ServerTls.of(ca.issue("localhost")).requiringClientCertificates(clientCa))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    Path caFile = Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
    Path certFile = Files.writeString(dir.resolve("client.pem"), client.chainPem());
    Path keyFile = Files.writeString(dir.resolve("client.key"), client.privateKeyPem());
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      urls.add("https://localhost:" + mutual.port() + "/get?n=" + i);
    }
    Path input = Files.write(dir.resolve("urls.txt"), urls);
    Path out = dir.resolve("cluster.jsonl");
    String seed;
    try (ServerSocket socket = new ServerSocket(0)) {
      seed = "127.0.0.1:" + socket.getLocalPort();
    }
    try (TestProxy proxy = TestProxy.requiringCredentials("user", "secret");
        CliProcess coordinator =
            start(
                "coordinator",
                Map.of(),
                "fetch",
                "--cluster",
                seed,
                "--no-local",
                "--min-workers",
                "1",
                "-q",
                "--proxy",
                "http://user:secret@127.0.0.1:" + proxy.port(),
                "--cacert",
                caFile.toString(),
                "--cert",
                certFile.toString(),
                "--key",
                keyFile.toString(),
                "-o",
                out.toString(),
                input.toString());
        CliProcess worker = start("worker", Map.of(), "worker", "--join", seed, "-c", "3")) {
      // The worker has no options of its own: without the coordinator's trust, client certificate
      // and proxy, every request would fail.
      assertEquals(0, coordinator.exit(120), coordinator.stderr() + worker.stderr());
      assertAllOk(lines(out), 10);
      assertTrue(proxy.count("CONNECT") >= 1, "the worker went through the proxy: " + proxy.seen());
      assertEquals(10, mutual.stats().requests());
    } finally {
      mutual.stop(Duration.ofMillis(200)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
