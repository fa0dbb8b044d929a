package io.fetchpipe.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fetchpipe.http.server.TestServer;
import io.fetchpipe.testing.HttpbinEcho;
import io.fetchpipe.testing.WithEmbeddedServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code fetchpipe fetch} with requests that are more than a GET (-X, -H, -d, --data-file, --input
 * jsonl) and lines that carry what was fetched (--body, --save, --hash, --include-headers,
 * --compressed), in-process against the embedded server.
 */
class FetchRequestsAndBodiesTest extends WithEmbeddedServer {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

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

    List<String> errLines() {
      return err.isEmpty() ? List.of() : List.of(err.split("\n"));
    }
  }

  private static Run cli(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        Main.run(
            args,
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  @Test
  void methodHeadersAndDataReachTheServer() throws Exception {
    Run run =
        cli(
            url("/anything/form") + "\n",
            "fetch",
            "-q",
            "-X",
            "put",
            "-H",
            "X-A: 1",
            "-H",
            "X-A: 2",
            "-H",
            "x-b:   spaced  ",
            "-d",
            "a=b&c=d",
            "--body",
            "json",
            "-");
    assertEquals(0, run.exit(), run.err());
    JsonNode echoed = run.lines().get(0).get("body");
    assertEquals("PUT", echoed.get("method").asText());
    assertEquals(
        "1,2", echoed.get("headers").get("X-A").asText(), "a header given twice is sent twice");
    assertEquals("spaced", echoed.get("headers").get("X-B").asText());
    assertEquals(
        "b", echoed.get("form").get("a").asText(), "the body, read as the form it says it is");
    assertEquals("d", echoed.get("form").get("c").asText());
    assertEquals(
        "application/x-www-form-urlencoded", echoed.get("headers").get("Content-Type").asText());
    assertTrue(echoed.get("headers").get("User-Agent").asText().startsWith("fetchpipe/"));

    JsonNode posted =
        cli(
                url("/anything") + "\n",
                "fetch",
                "-q",
                "-d",
                "x",
                "-H",
                "Content-Type: text/plain",
                "--body",
                "json",
                "-")
            .lines()
            .get(0)
            .get("body");
    assertEquals(
        "POST", posted.get("method").asText(), "-d makes it a POST unless -X says otherwise");
    assertEquals(
        "text/plain",
        posted.get("headers").get("Content-Type").asText(),
        "-H sets the Content-Type");
  }

  @Test
  void resolvePinsAHostToAnAddressAndTheRequestKeepsItsHost() throws Exception {
    String named = "http://pinned.test:" + server.port() + "/anything/pinned";
    Run run =
        cli(
            named + "\n",
            "fetch",
            "-q",
            "--resolve",
            "Pinned.Test:" + server.port() + ":127.0.0.1",
            "--body",
            "json",
            "-");
    assertEquals(0, run.exit(), run.out() + run.err());
    JsonNode echoed = run.lines().get(0).get("body");
    assertEquals("pinned.test:" + server.port(), echoed.get("headers").get("Host").asText());

    Run unpinned =
        cli(
            "http://pinned.test:" + (server.port() == 1 ? 2 : 1) + "/\n",
            "fetch",
            "-q",
            "--resolve",
            "pinned.test:" + server.port() + ":127.0.0.1",
            "-");
    assertEquals(
        "connect",
        unpinned.lines().get(0).get("error").get("kind").asText(),
        "another port of the same name is not pinned: the name does not resolve");

    Run bad = cli("", "fetch", "--resolve", "pinned.test:80:not-an-ip", "-");
    assertEquals(2, bad.exit());
    assertEquals(1, bad.errLines().size(), bad.err());
    assertTrue(bad.err().contains("ADDR must be an IP address"), bad.err());
  }

  @Test
  void aDataFileIsSentByteForByte() throws Exception {
    byte[] binary = {0, (byte) 0xFF, 10, 13, 'z'};
    Path data = Files.write(dir.resolve("body.bin"), binary);
    JsonNode echoed =
        cli(
                url("/anything") + "\n",
                "fetch",
                "-q",
                "--data-file",
                data.toString(),
                "-H",
                "Content-Type: application/octet-stream",
                "--body",
                "json",
                "-")
            .lines()
            .get(0)
            .get("body");
    assertArrayEquals(binary, HttpbinEcho.data(echoed));
  }

  @Test
  void jsonLinesAreRequestsAndABadLineIsOneInvalidRequestLine() throws Exception {
    String input =
        String.join(
            "\n",
            "{\"url\": \"" + url("/anything/a") + "\", \"id\": \"first\"}",
            "{\"url\": \""
                + url("/anything/b")
                + "\", \"method\": \"PATCH\", \"headers\": {\"X-Own\": \"yes\", "
                + "\"X-Default\": \"mine\", \"Content-Type\": \"text/plain\"}, "
                + "\"body\": \"caf\u00e9\", \"id\": {\"n\": 2}}",
            "not json at all",
            "[\"an\", \"array\"]",
            "{\"method\": \"GET\"}",
            "{\"url\": \"" + url("/get") + "\", \"headers\": {\"X-Bad\": 3}, \"id\": 6}",
            "{\"url\": \""
                + url("/anything/c")
                + "\", \"headers\": {\"Content-Type\": \"application/octet-stream\"}, "
                + "\"body_base64\": \""
                + Base64.getEncoder().encodeToString(new byte[] {1, 2, (byte) 0xFF})
                + "\"}",
            "{\"url\": \"" + url("/get") + "\", \"method\": \"FETCH\"}",
            "");
    Run run =
        cli(input, "fetch", "--input", "jsonl", "-H", "X-Default: template", "--body", "json", "-");
    List<JsonNode> lines = run.lines();
    assertEquals(8, lines.size(), run.out());
    assertEquals(1, run.exit(), "invalid lines are errors");

    assertEquals("\"first\"", lines.get(0).get("id").toString());
    assertEquals("GET", lines.get(0).get("body").get("method").asText());
    assertEquals("template", lines.get(0).get("body").get("headers").get("X-Default").asText());

    JsonNode second = lines.get(1).get("body");
    assertEquals("{\"n\":2}", lines.get(1).get("id").toString(), "the id is copied unchanged");
    assertEquals("PATCH", second.get("method").asText());
    assertEquals("yes", second.get("headers").get("X-Own").asText());
    assertEquals("mine", second.get("headers").get("X-Default").asText(), "the line's header wins");
    assertEquals("caf\u00e9", second.get("data").asText());

    int[] invalid = {2, 3, 4, 5, 7};
    for (int i : invalid) {
      JsonNode line = lines.get(i);
      assertEquals("invalid-request", line.get("error").get("kind").asText(), line.toString());
      assertEquals(i + 1, line.get("line").asInt());
      assertEquals(0, line.get("attempts").asInt());
    }
    assertEquals("6", lines.get(5).get("id").toString(), "an invalid line keeps its id");
    assertEquals(
        "header \"X-Bad\" is not a string", lines.get(5).get("error").get("message").asText());
    assertArrayEquals(new byte[] {1, 2, (byte) 0xFF}, HttpbinEcho.data(lines.get(6).get("body")));
    assertEquals(
        3, server.stats().requests(), "one request per good line, none for an invalid one");
  }

  @Test
  void bodiesGoIntoTheLinesAsTextBase64OrJson() throws Exception {
    JsonNode text =
        cli(url("/encoding/utf8") + "\n", "fetch", "--body", "text", "-").lines().get(0);
    assertEquals(TestServer.UTF8_SAMPLE, text.get("body").asText());
    JsonNode latin =
        cli(url("/charset/iso-8859-1") + "\n", "fetch", "--body", "text", "-").lines().get(0);
    assertEquals(
        TestServer.CHARSET_SAMPLE, latin.get("body").asText(), "decoded by the response's charset");

    byte[] bytes = {(byte) 0x89, 'P', 'N', 'G', 0};
    JsonNode base64 =
        cli(url("/base64/" + base64Url(bytes)) + "\n", "fetch", "--body", "base64", "-")
            .lines()
            .get(0);
    assertArrayEquals(bytes, Base64.getDecoder().decode(base64.get("body").asText()));

    JsonNode json = cli(url("/get") + "\n", "fetch", "--body", "json", "-").lines().get(0);
    assertEquals(url("/get"), json.get("body").get("url").asText());

    Run notJson = cli(url("/encoding/utf8") + "\n", "fetch", "--body", "json", "-");
    JsonNode decode = notJson.lines().get(0);
    assertEquals(1, notJson.exit());
    assertFalse(decode.get("ok").asBoolean());
    assertEquals("decode", decode.get("error").get("kind").asText());
    assertEquals(200, decode.get("status").asInt(), "the status is kept");
    assertFalse(decode.has("body"));
  }

  @Test
  void compressedBodiesAreDecodedAndCountedDecoded() throws Exception {
    JsonNode line =
        cli(url("/gzip") + "\n", "fetch", "--compressed", "--body", "text", "-").lines().get(0);
    JsonNode body = JSON.readTree(line.get("body").asText());
    assertTrue(body.get("gzipped").asBoolean());
    assertEquals(
        line.get("body").asText().getBytes(StandardCharsets.UTF_8).length,
        line.get("bytes").asInt());
    JsonNode bomb =
        cli(url("/gzip-bytes/50000000") + "\n", "fetch", "--compressed", "--max-body", "1MiB", "-")
            .lines()
            .get(0);
    assertEquals("too-large", bomb.get("error").get("kind").asText());
  }

  @Test
  void headersHashAndContentTypeComeWithEveryResponse() throws Exception {
    byte[] payload = "hash me".getBytes(StandardCharsets.UTF_8);
    String input =
        url("/response-headers?X-Many=a&X-Many=b&Content-Type=text/x-test")
            + "\n"
            + url("/base64/" + base64Url(payload))
            + "\n"
            + url("/status/404")
            + "\n";
    Run run = cli(input, "fetch", "--include-headers", "--hash", "--raise-for-status", "-");
    List<JsonNode> lines = run.lines();
    assertEquals(
        "a, b",
        lines.get(0).get("headers").get("x-many").asText(),
        "names lowercase, repeats joined");
    assertEquals("text/x-test", lines.get(0).get("content_type").asText());
    String expected =
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
    assertEquals(expected, lines.get(1).get("sha256").asText());
    JsonNode raised = lines.get(2);
    assertEquals("http-status", raised.get("error").get("kind").asText());
    assertEquals(
        "text/html; charset=UTF-8",
        raised.get("content_type").asText(),
        "an error with a response has it too");
    assertTrue(raised.has("headers"));
    JsonNode plain = cli(url("/get") + "\n", "fetch", "-").lines().get(0);
    assertFalse(
        plain.has("headers") || plain.has("sha256") || plain.has("body"),
        "extras only when asked for");
  }

  @Test
  void savedBodiesAreCompleteFilesNamedInTheirLines() throws Exception {
    Path saved = dir.resolve("bodies");
    String input = url("/bytes/300000") + "\n" + url("/encoding/utf8") + "\n" + "htp://bad\n";
    Run run = cli(input, "fetch", "--save", saved.toString(), "-");
    assertEquals(1, run.exit(), run.err());
    List<JsonNode> lines = run.lines();
    for (int i = 0; i < 2; i++) {
      Path file = Path.of(lines.get(i).get("file").asText());
      assertEquals(saved.resolve(i + ".body"), file);
      byte[] content = Files.readAllBytes(file);
      assertEquals(lines.get(i).get("bytes").asLong(), content.length);
      assertEquals(
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)),
          lines.get(i).get("sha256").asText());
    }
    assertFalse(lines.get(2).has("file"));
    try (Stream<Path> files = Files.list(saved)) {
      assertEquals(2, files.count(), "two complete bodies, nothing else");
    }
  }

  @Test
  void aBodyThatCannotBeSavedStopsTheRunWithOneLineAndNoLineNamesAMissingFile() throws Exception {
    Path saved = Files.createDirectories(dir.resolve("full"));
    // The third body's temporary file is the full device: writing it fails as a full disk would.
    Files.createSymbolicLink(saved.resolve(".2.body.part"), Path.of("/dev/full"));
    StringBuilder input = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      input.append(url("/bytes/" + (1000 + i))).append('\n');
    }
    Run run = cli(input.toString(), "fetch", "-c", "1", "--save", saved.toString(), "-");
    assertEquals(1, run.exit());
    assertEquals(1, run.errLines().size(), run.err());
    assertTrue(run.err().contains("cannot write " + saved.resolve("2.body")), run.err());
    for (JsonNode line : run.lines()) {
      Path file = Path.of(line.get("file").asText());
      assertEquals(
          line.get("bytes").asLong(), Files.size(file), "every file a line names is complete");
    }
    assertTrue(run.lines().size() < 10, "the run stopped");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "-H NoColonHere | invalid header 'NoColonHere'",
        "-H :empty | invalid header ':empty'",
        "-X FETCH | unknown method 'FETCH'",
        "--data-file /no/such/body | cannot read /no/such/body: no such file",
        "-d x --data-file /etc/hostname | use either -d or --data-file",
        "--save /proc/version | cannot create /proc/version",
        "--save /tmp --body text | --save and --body cannot be combined",
        "--body html | --body",
        "--input csv | --input"
      })
  void aBadRequestOptionIsAUsageError(String args, String expected) {
    List<String> argv = new ArrayList<>(List.of("fetch"));
    argv.addAll(List.of(args.trim().split(" ")));
    argv.add("-");
    Run run = cli(url("/get") + "\n", argv.toArray(String[]::new));
    assertEquals(2, run.exit(), run.err());
    assertEquals("", run.out());
    assertEquals(1, run.errLines().size(), run.err());
    assertTrue(run.err().contains(expected.trim()), run.err());
    assertEquals(0, server.stats().requests(), "nothing fetched");
  }
}
