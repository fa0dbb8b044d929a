package io.fetchpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fetchpipe serve} as a real process, with the command line's own logging. */
class ServeCommandTest {
  @TempDir Path dir;

  @Test
  void serveWritesOnlyItsAddressOnStdoutAndTheHostilePeerOnStderr() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path stdout = dir.resolve("stdout.txt");
    Process serve =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "serve",
                "--port",
                "0")
            .redirectOutput(stdout.toFile())
            .start();
    try {
      // The hostile peer's line follows the address, which is flushed first.
      BufferedReader stderr =
          new BufferedReader(new InputStreamReader(serve.getErrorStream(), StandardCharsets.UTF_8));
      String hostile =
          CompletableFuture.supplyAsync(() -> readLine(stderr)).get(30, TimeUnit.SECONDS);
      assertTrue(hostile.matches("hostile peer .* at http://127\\.0\\.0\\.1:\\d+"), hostile);

      serve.destroy(); // SIGTERM
      assertTrue(serve.waitFor(30, TimeUnit.SECONDS), "serve should stop on SIGTERM");
      List<String> lines = Files.readAllLines(stdout, StandardCharsets.UTF_8);
      assertEquals(1, lines.size(), "nothing on stdout but the address: " + lines);
      assertTrue(lines.get(0).matches("http://127\\.0\\.0\\.1:\\d+"), lines.get(0));
    } finally {
      serve.destroyForcibly();
    }
  }

  private static String readLine(BufferedReader reader) {
    try {
      return reader.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aBusyPortIsOneLineOnStderrAndTheUsageStatus() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Path stderr = dir.resolve("stderr.txt");
      Process serve =
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  Main.class.getName(),
                  "serve",
                  "--port",
                  Integer.toString(taken.getLocalPort()))
              .redirectError(stderr.toFile())
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      try {
        assertTrue(serve.waitFor(30, TimeUnit.SECONDS), "serve should give up on a busy port");
      } finally {
        serve.destroyForcibly();
      }
      List<String> lines = Files.readAllLines(stderr, StandardCharsets.UTF_8);
      assertEquals(ExitCodes.USAGE, serve.exitValue(), String.join("\n", lines));
      assertEquals(1, lines.size(), "one line, no stack trace: " + lines);
      assertTrue(
          lines.get(0).startsWith("fetchpipe: cannot bind 127.0.0.1:" + taken.getLocalPort()),
          lines.get(0));
    }
  }
}
