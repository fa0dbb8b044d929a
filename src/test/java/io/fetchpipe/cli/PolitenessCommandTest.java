package io.fetchpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fetchpipe.testing.PoliteServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fetchpipe fetch --adaptive} and {@code --robots obey} in-process against servers that are
 * particular about how they are fetched, judged by what the servers saw: one that refuses (429,
 * {@code Retry-After}) past two requests in flight or five starts a second per host, ones that tell
 * their budget in each rate-limit header form, and one with a robots.txt.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolitenessCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @TempDir Path dir;

  /**
   * Runs {@code fetchpipe args... FILE} in this JVM over {@code urls}, expecting exit 0; its lines.
   */
  private List<JsonNode> fetch(List<String> urls, String... args) throws Exception {
    return fetch(0, urls, args);
  }

  /**
   * Runs {@code fetchpipe args... FILE} in this JVM over {@code urls}, expecting {@code
   * exitStatus}; its lines.
   */
  private List<JsonNode> fetch(int exitStatus, List<String> urls, String... args) throws Exception {
    Path input = Files.write(dir.resolve("urls-" + System.nanoTime() + ".txt"), urls);
    List<String> command = new ArrayList<>(List.of("fetch", "-q"));
    command.addAll(List.of(args));
    command.add(input.toString());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        Main.run(
            command.toArray(String[]::new),
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(exitStatus, exit, err.toString(StandardCharsets.UTF_8));
    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      lines.add(JSON.readTree(line));
    }
    assertEquals(urls.size(), lines.size(), "one line per URL");
    return lines;
  }

  private static List<String> urls(PoliteServer server, String host, int count) {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      urls.add(server.url(host, "/item/" + i));
    }
    return urls;
  }

  @Test
  void aServerThatRefusesPastItsLimitsGetsEveryUrlAndSeldomRefusesAfterTheFirstSeconds()
      throws Exception {
    try (PoliteServer server =
        PoliteServer.start(
            testKit.system(),
            PoliteServer.throttling(
                testKit.system(), 2, 5, Duration.ofSeconds(1), Duration.ofMillis(20)))) {
      List<String> urls = new ArrayList<>(urls(server, "127.0.0.1", 35));
      urls.addAll(urls(server, "localhost", 35));

      List<JsonNode> lines = fetch(urls, "--adaptive", "-c", "32");

      for (JsonNode line : lines) {
        assertEquals(200, line.path("status").asInt(), "every URL ends with its page: " + line);
      }
      List<PoliteServer.Arrival> arrivals = server.arrivals();
      long settled = arrivals.get(0).nanos() + 3 * SECOND;
      List<PoliteServer.Arrival> later =
          arrivals.stream().filter(arrival -> arrival.nanos() >= settled).toList();
      long refused = later.stream().filter(arrival -> arrival.status() == 429).count();
      String seen = refusals(arrivals);
      assertTrue(later.size() >= 40, "most of the run comes after its first 3 s: " + seen);
      assertTrue(
          refused * 20 < later.size(),
          refused + " of the " + later.size() + " responses after the first 3 s were 429; " + seen);
    }
  }

  /** 429s per second of the run, for the failure message. */
  private static String refusals(List<PoliteServer.Arrival> arrivals) {
    long start = arrivals.get(0).nanos();
    int seconds = (int) ((arrivals.get(arrivals.size() - 1).nanos() - start) / SECOND) + 1;
    int[] all = new int[seconds];
    int[] refused = new int[seconds];
    for (PoliteServer.Arrival arrival : arrivals) {
      int second = (int) ((arrival.nanos() - start) / SECOND);
      all[second]++;
      if (arrival.status() == 429) {
        refused[second]++;
      }
    }
    StringBuilder text = new StringBuilder("requests/429s per second:");
    for (int i = 0; i < seconds; i++) {
      text.append(' ').append(all[i]).append('/').append(refused[i]);
    }
    return text.toString();
  }

  @Test
  void serversThatTellTheirBudgetInAnyHeaderFormAreNeverAskedPastIt() throws Exception {
    List<PoliteServer> servers = new ArrayList<>();
    try {
      List<String> urls = new ArrayList<>();
      for (PoliteServer.Form form : PoliteServer.Form.values()) {
        PoliteServer server =
            PoliteServer.start(
                testKit.system(), PoliteServer.budget(form, 3, Duration.ofSeconds(1)));
        servers.add(server);
        urls.addAll(urls(server, "127.0.0.1", 8));
      }

      List<JsonNode> lines = fetch(urls, "--adaptive", "-c", "8");

      for (JsonNode line : lines) {
        assertEquals(200, line.path("status").asInt(), line.toString());
      }
      for (int i = 0; i < servers.size(); i++) {
        List<PoliteServer.Arrival> arrivals = servers.get(i).arrivals();
        assertEquals(
            8,
            arrivals.size(),
            PoliteServer.Form.values()[i] + ": one request per URL, none refused: " + arrivals);
      }
    } finally {
      for (PoliteServer server : servers) {
        server.close();
      }
    }
  }

  @Test
  void robotsObeyWritesRefusedUrlsAsRobotsErrorsWithoutAnAttempt() throws Exception {
    try (PoliteServer server =
        PoliteServer.start(
            testKit.system(), PoliteServer.robots(200, "User-agent: *\nDisallow: /private\n"))) {
      List<JsonNode> lines =
          fetch(1, List.of(server.url("/open"), server.url("/private/page")), "--robots", "obey");

      assertEquals(200, lines.get(0).path("status").asInt(), lines.get(0).toString());
      JsonNode refused = lines.get(1);
      assertEquals(false, refused.path("ok").asBoolean(), refused.toString());
      assertEquals("robots", refused.path("error").path("kind").asText(), refused.toString());
      assertEquals(0, refused.path("attempts").asInt(), refused.toString());
      assertEquals(
          List.of("/robots.txt", "/open"),
          server.arrivals().stream().map(PoliteServer.Arrival::path).toList());
    }
  }

  @Test
  void aRobotsValueOtherThanObeyOrIgnoreIsAUsageError() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        Main.run(
            new String[] {"fetch", "--robots", "sometimes", "-"},
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertEquals(2, exit);
    assertEquals("", out.toString(StandardCharsets.UTF_8));
    List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(
        lines.get(0).contains("--robots") && lines.get(0).contains("obey, ignore"), lines.get(0));
  }
}
