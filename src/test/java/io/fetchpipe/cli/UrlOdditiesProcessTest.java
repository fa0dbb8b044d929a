package io.fetchpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fetchpipe.testing.WithEmbeddedServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * URLs as people paste them, in one input file for a real {@code fetchpipe fetch}: each gets its
 * line with the expected outcome, its {@code url} as given, and, for the server's {@code
 * /anything}, the request target the server received, which is what a browser sends for that
 * address. Where fetchpipe sends something else on purpose (Pekko HTTP refuses a few characters
 * browsers leave raw: {@code [ ] |} in a path, {@code [ ] | \ ^ ` { }} in a query, a lone {@code
 * %}; and it writes a path's escapes in upper case), the browser's version is noted. Hosts that
 * cannot resolve use reserved names ({@code .example}, {@code .invalid}, {@code .テスト}).
 */
class UrlOdditiesProcessTest extends WithEmbeddedServer {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HERE = "http://127.0.0.1:PORT";

  /**
   * One input line and what must come of it.
   *
   * @param input the line as written to the file (PORT: the server's port, CLOSED: a closed one)
   * @param kind the error kind, or null for a response
   * @param status the status expected, or 0 when not checked
   * @param sent for /anything, the URL the server received; else null
   * @param browser what a browser sends instead, when fetchpipe deliberately differs; else null
   */
  private record Case(String input, String kind, int status, String sent, String browser) {
    static Case echo(String input, String sent) {
      return new Case(input, null, 200, sent, null);
    }

    static Case echo(String input, String sent, String browser) {
      return new Case(input, null, 200, sent, browser);
    }

    static Case status(String input, int status) {
      return new Case(input, null, status, null, null);
    }

    static Case error(String input, String kind) {
      return new Case(input, kind, 0, null, null);
    }
  }

  private static final List<Case> CASES =
      List.of(
          // Spaces and non-ASCII in path and query, percent-encoded as UTF-8.
          Case.echo(HERE + "/anything/a b?q=ü", HERE + "/anything/a%20b?q=%C3%BC"),
          Case.echo(HERE + "/anything/café", HERE + "/anything/caf%C3%A9"),
          Case.echo(HERE + "/anything/😀", HERE + "/anything/%F0%9F%98%80"),
          Case.echo(
              HERE + "/anything?name=José María&city=Zürich",
              HERE + "/anything?name=Jos%C3%A9%20Mar%C3%ADa&city=Z%C3%BCrich"),
          Case.echo(HERE + "/anything/a\"b<c>d", HERE + "/anything/a%22b%3Cc%3Ed"),
          Case.echo(HERE + "/anything/{x}/`y`", HERE + "/anything/%7Bx%7D/%60y%60"),
          Case.echo(HERE + "/anything?q=\"<>'", HERE + "/anything?q=%22%3C%3E%27"),
          Case.echo(
              HERE + "/anything/a|b^c", HERE + "/anything/a%7Cb%5Ec", HERE + "/anything/a|b%5Ec"),
          Case.echo(
              HERE + "/anything/a[0]?b[]=1",
              HERE + "/anything/a%5B0%5D?b%5B%5D=1",
              HERE + "/anything/a[0]?b[]=1"),
          Case.echo(
              HERE + "/anything?q=|{}`^\\",
              HERE + "/anything?q=%7C%7B%7D%60%5E%5C",
              HERE + "/anything?q=|{}`^\\"),
          Case.echo(HERE + "/anything/100%", HERE + "/anything/100%25", HERE + "/anything/100%"),
          // Escapes already there stay; encoded dots are dot segments; a plus stays a plus.
          Case.echo(HERE + "/anything/a%2Fb%20c?x=%41", HERE + "/anything/a%2Fb%20c?x=%41"),
          Case.echo(HERE + "/anything/%E2%9C%93", HERE + "/anything/%E2%9C%93"),
          Case.echo(HERE + "/anything/./a/../b", HERE + "/anything/b"),
          Case.echo(HERE + "/anything/a/%2e%2E/b", HERE + "/anything/b"),
          Case.echo(HERE + "/anything/..%2f", HERE + "/anything/..%2F", HERE + "/anything/..%2f"),
          Case.echo(HERE + "/anything?a=1+2", HERE + "/anything?a=1+2"),
          Case.echo(HERE + "/anything/a?b?c/d", HERE + "/anything/a?b?c/d"),
          Case.echo(
              HERE + "/anything/a;b=c,d!$&'()*+:@~?e=1&f=2;g",
              HERE + "/anything/a;b=c,d!$&'()*+:@~?e=1&f=2;g"),
          Case.echo(HERE + "/anything?", HERE + "/anything?"),
          // Whitespace: trimmed around the URL, tab inside removed; the fragment is never sent.
          Case.echo("   " + HERE + "/anything/trim \t ", HERE + "/anything/trim"),
          Case.echo(HERE + "/anything/t\tab", HERE + "/anything/tab"),
          Case.echo(HERE + "/anything/frag#section", HERE + "/anything/frag"),
          // Scheme and host spelled loosely: case, backslashes, missing or extra slashes.
          Case.echo("HTTP://127.0.0.1:PORT/anything/Upper", HERE + "/anything/Upper"),
          Case.echo("http:\\\\127.0.0.1:PORT\\anything\\back", HERE + "/anything/back"),
          Case.echo("http:127.0.0.1:PORT/anything/no-slashes", HERE + "/anything/no-slashes"),
          Case.echo(
              "http:///127.0.0.1:PORT/anything/three-slashes", HERE + "/anything/three-slashes"),
          // The host as IPv4 in other spellings, a trailing dot, a port with a leading zero, a
          // name.
          Case.echo("http://0x7f.1:PORT/anything/hex", HERE + "/anything/hex"),
          Case.echo("http://2130706433:PORT/anything/integer", HERE + "/anything/integer"),
          Case.echo("http://0177.0.0.01:PORT/anything/octal", HERE + "/anything/octal"),
          Case.echo("http://127.0.0.1.:PORT/anything/dot", HERE + "/anything/dot"),
          Case.echo("http://127.0.0.1:0PORT/anything/port", HERE + "/anything/port"),
          Case.echo("http://localhost:PORT/anything/local", "http://localhost:PORT/anything/local"),
          // Credentials become a Basic Authorization header (checked below) and leave the URL.
          Case.echo("http://user:pass@127.0.0.1:PORT/anything/auth", HERE + "/anything/auth"),
          // Long queries: one a server takes, one over its URI limit (a response all the same).
          Case.echo(
              HERE + "/anything?q=" + "x".repeat(1500), HERE + "/anything?q=" + "x".repeat(1500)),
          Case.status(HERE + "/anything?q=" + "y".repeat(100_000), 414),
          Case.status(HERE + "/status/204", 204),
          Case.status(HERE, 404),
          Case.status(HERE + "?x", 404),
          // Valid URLs that reach nothing: international names that do not resolve (punycode on the
          // wire), IPv6 loopback where the server is not, a closed port, TLS to a plain HTTP
          // server.
          Case.error("http://bücher.example/", "connect"),
          Case.error("http://пример.испытание/", "connect"),
          Case.error("http://例え.テスト/", "connect"),
          Case.error("http://EXAMPLE.invalid./", "connect"),
          Case.error("http://[::1]:PORT/get", "connect"),
          Case.error("http://127.0.0.1:CLOSED/", "connect"),
          Case.error("HTTPS://127.0.0.1:PORT/get", "tls"),
          // What no browser would fetch.
          Case.error("htp://bad", "invalid-url"),
          Case.error("ftp://127.0.0.1/", "invalid-url"),
          Case.error("javascript:alert(1)", "invalid-url"),
          Case.error("mailto:x@y", "invalid-url"),
          Case.error("//127.0.0.1:PORT/get", "invalid-url"),
          Case.error("127.0.0.1:PORT/get", "invalid-url"),
          Case.error("http://", "invalid-url"),
          Case.error("http://127.0.0.1:99999/", "invalid-url"),
          Case.error("http://ho st/", "invalid-url"),
          Case.error("http://[::1/", "invalid-url"),
          Case.error("http://h/a\u0001b", "invalid-url"));

  @TempDir Path dir;

  @Test
  void everyOddityGetsItsLineTheRightKindAndTheRequestABrowserWouldSend() throws Exception {
    String port = Integer.toString(server.port());
    String closed = Integer.toString(closedPort());
    List<String> inputs = new ArrayList<>();
    List<String> file = new ArrayList<>(List.of("# URLs as people paste them", ""));
    for (Case c : CASES) {
      String input = c.input().replace("PORT", port).replace("CLOSED", closed);
      inputs.add(input);
      file.add(input);
      file.add("   # a comment between them, and a blank line:");
      file.add("");
    }
    Path path = Files.write(dir.resolve("oddities.txt"), file, StandardCharsets.UTF_8);

    try (CliProcess fetch =
        CliProcess.start(
            dir,
            "oddities",
            List.of(),
            "fetch",
            "-q",
            "-c",
            "8",
            "-t",
            "10s",
            "--body",
            "text",
            path.toString())) {
      assertEquals(ExitCodes.ERRORS, fetch.exit(120), fetch.stderr());
      assertEquals("", fetch.stderr());
      List<String> lines = fetch.stdout().lines().toList();
      assertEquals(CASES.size(), lines.size(), "one line per URL");
      for (int i = 0; i < CASES.size(); i++) {
        check(CASES.get(i), inputs.get(i), 3 + 3 * i, JSON.readTree(lines.get(i)), port);
      }
    }
  }

  private static void check(Case c, String input, int lineNumber, JsonNode line, String port)
      throws Exception {
    String what = input + " -> " + line;
    assertEquals(lineNumber, line.get("line").asInt(), what);
    assertEquals(input.strip(), line.get("url").asText(), "the url as given, trimmed: " + what);
    if (c.kind() != null) {
      assertEquals(c.kind(), line.get("error").get("kind").asText(), what);
      return;
    }
    assertTrue(line.get("ok").asBoolean(), what);
    if (c.status() != 0) {
      assertEquals(c.status(), line.get("status").asInt(), what);
    }
    if (c.sent() != null) {
      JsonNode echo = JSON.readTree(line.get("body").asText());
      assertEquals(
          c.sent().replace("PORT", port), echo.get("url").asText(), "the request target: " + what);
      if (input.contains("user:pass@")) {
        assertEquals("Basic dXNlcjpwYXNz", echo.get("headers").get("Authorization").asText(), what);
      }
    }
  }

  /** A port nothing listens on (just released; nothing else binds 127.0.0.1 at random here). */
  private static int closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }
}
