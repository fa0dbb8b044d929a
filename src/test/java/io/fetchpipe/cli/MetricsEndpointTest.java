package io.fetchpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fetchpipe.testing.WithEmbeddedServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fetch --metrics 127.0.0.1:0}: while the run goes on, {@code /metrics} answers with
 * Prometheus's text format, read here over HTTP and parsed line by line.
 */
class MetricsEndpointTest extends WithEmbeddedServer {
  private static final Pattern ANNOUNCED =
      Pattern.compile("fetchpipe: metrics at (http://\\S+/metrics)");
  // name{labels} value: the text format's sample line.
  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)");

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newHttpClient();

  /**
   * One scrape: each sample's value by {@code name{labels}}; fails on a line that is not the text
   * format.
   */
  private Map<String, Double> scrape(String address) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(address)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
    assertTrue(
        response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
        response.headers().toString());
    Map<String, Double> samples = new HashMap<>();
    for (String line : response.body().split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Matcher sample = SAMPLE.matcher(line);
      assertTrue(sample.matches(), "a sample line: " + line);
      samples.put(
          sample.group(1) + (sample.group(2) == null ? "" : sample.group(2)),
          Double.parseDouble(sample.group(3)));
    }
    return samples;
  }

  @Test
  void metricsAreServedInPrometheusTextFormatWhileTheRunGoesOn() throws Exception {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      urls.add(url("/delay/1"));
    }
    Path input = Files.write(dir.resolve("urls.txt"), urls);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
    CompletableFuture<Integer> run =
        CompletableFuture.supplyAsync(
            () ->
                Main.run(
                    new String[] {
                      "fetch",
                      "-c",
                      "2",
                      "-o",
                      dir.resolve("out.jsonl").toString(),
                      "--metrics",
                      "127.0.0.1:0",
                      input.toString()
                    },
                    new ByteArrayInputStream(new byte[0]),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    errStream));
    try {
      String[] address = new String[1];
      testKit
          .createTestProbe()
          .awaitAssert(
              Duration.ofSeconds(30),
              () -> {
                Matcher announced = ANNOUNCED.matcher(err.toString(StandardCharsets.UTF_8));
                assertTrue(announced.find(), "the address is announced on stderr: " + err);
                address[0] = announced.group(1);
                return null;
              });
      Map<String, Double> during = new HashMap<>();
      testKit
          .createTestProbe()
          .awaitAssert(
              Duration.ofSeconds(30),
              () -> {
                try {
                  during.clear();
                  during.putAll(scrape(address[0]));
                } catch (Exception e) {
                  throw new AssertionError(e);
                }
                assertEquals(
                    List.of(2.0),
                    during.entrySet().stream()
                        .filter(sample -> sample.getKey().startsWith("fetchpipe_pool_in_flight{"))
                        .map(Map.Entry::getValue)
                        .toList(),
                    "one pool, two in flight: " + during);
                return null;
              });
      String inFlight =
          during.keySet().stream()
              .filter(key -> key.startsWith("fetchpipe_pool_in_flight{"))
              .findFirst()
              .orElseThrow();
      String pool = inFlight.substring(inFlight.indexOf('{'));
      assertTrue(during.get("fetchpipe_pool_started_total" + pool) >= 2, during.toString());
      assertTrue(during.get("fetchpipe_pool_queued" + pool) <= 4, during.toString());
      assertTrue(during.get("fetchpipe_http_connections_open" + pool) >= 1, during.toString());
      assertTrue(
          during.containsKey("fetchpipe_pool_latency_seconds_count" + pool), during.toString());
      assertTrue(
          during.keySet().stream()
              .anyMatch(key -> key.startsWith("fetchpipe_pool_latency_seconds_bucket{")),
          "a latency histogram: " + during.keySet());

      HttpResponse<String> elsewhere =
          http.send(
              HttpRequest.newBuilder(URI.create(address[0].replace("/metrics", "/"))).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(404, elsewhere.statusCode());
      assertEquals(
          ExitCodes.OK, run.get(60, TimeUnit.SECONDS), err.toString(StandardCharsets.UTF_8));
    } finally {
      run.cancel(true);
    }
  }
}
