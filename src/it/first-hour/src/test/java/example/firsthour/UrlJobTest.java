package example.firsthour;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fetchpipe.testkit.EmbeddedServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The application's batch job over 5 000 URLs of the embedded test server. */
class UrlJobTest {
  private static final int URLS = 5000;
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final EmbeddedServerExtension server = EmbeddedServerExtension.create();

  @Test
  void everyUrlGetsOneResultLineInInputOrder(@TempDir Path dir) throws Exception {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < URLS; i++) {
      urls.add(
          i % 100 == 99
              ? "htp://not-fetchable/" + i
              : server.url(i % 10 == 0 ? "/status/404" : "/get?n=" + i));
    }
    Path input = Files.write(dir.resolve("urls.txt"), urls);
    Path output = dir.resolve("results.jsonl");

    try (UrlJob job = new UrlJob(64)) {
      job.fetch(input, output).toCompletableFuture().get(120, TimeUnit.SECONDS);
    }

    List<String> lines = Files.readAllLines(output);
    assertEquals(URLS, lines.size(), "one line per URL");
    int invalid = 0;
    for (int i = 0; i < URLS; i++) {
      JsonNode line = JSON.readTree(lines.get(i));
      assertEquals(i, line.get("index").asInt(), "input order");
      if (i % 100 == 99) {
        assertEquals("invalid-url", line.get("error").get("kind").asText());
        invalid++;
      } else {
        assertEquals(i % 10 == 0 ? 404 : 200, line.get("status").asInt(), lines.get(i));
      }
    }
    assertEquals(URLS - invalid, server.stats().requests(), "each fetchable URL fetched once");
  }
}
