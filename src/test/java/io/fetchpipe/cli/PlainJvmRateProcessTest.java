package io.fetchpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fetchpipe.testing.ClockedServer;
import io.fetchpipe.testing.PoliteServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -r 10/s} as the server sees it, from a fresh JVM started the way an application that
 * embeds the library starts one: plain {@code java}, the JDK's default compilers and collector,
 * none of bin/fetchpipe's flags. A fresh process's first requests wait longest (connections, cold
 * code), and a busy CPU holds some up more than others; by the server's own clock no second may
 * still see more than 10 arrivals, at start-up and with two processes spinning on the CPU beside
 * it.
 */
class PlainJvmRateProcessTest {
  private static final int URLS = 25;

  @TempDir Path dir;

  /**
   * Runs {@code fetchpipe fetch -r 10/s} in a plain fresh JVM over the server's URLs, to its end.
   */
  private void fetchAtTenPerSecond(ClockedServer server, String name) throws Exception {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < URLS; i++) {
      urls.add(server.url("/item/" + i));
    }
    Path input = Files.write(dir.resolve(name + ".txt"), urls);
    Path output = dir.resolve(name + ".jsonl");
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "fetch",
            "-q",
            "-r",
            "10/s",
            "-o",
            output.toString(),
            input.toString());
    Process fetch =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(name + ".log").toFile())
            .start();
    try {
      assertEquals(true, fetch.waitFor(120, TimeUnit.SECONDS), "the run ends");
      assertEquals(0, fetch.exitValue(), Files.readString(dir.resolve(name + ".log")));
    } finally {
      fetch.destroyForcibly();
    }
    assertEquals(
        URLS,
        Files.readAllLines(output).stream()
            .filter(line -> line.contains("\"status\":200"))
            .count());
  }

  @Test
  void noSecondSeesMoreThanTheRateAtStartUp() throws Exception {
    try (ClockedServer server = ClockedServer.start()) {
      fetchAtTenPerSecond(server, "quiet");

      assertNull(PoliteServer.crowdedWindow(server.arrivals(), 10, Duration.ofSeconds(1)));
    }
  }

  @Test
  void noSecondSeesMoreThanTheRateWithTwoCpuBurnersBesideIt() throws Exception {
    List<Process> burners = new ArrayList<>();
    try (ClockedServer server = ClockedServer.start()) {
      for (int i = 0; i < 2; i++) {
        burners.add(new ProcessBuilder("bash", "-c", "while :; do :; done").start());
      }
      fetchAtTenPerSecond(server, "busy");

      assertNull(PoliteServer.crowdedWindow(server.arrivals(), 10, Duration.ofSeconds(1)));
    } finally {
      burners.forEach(Process::destroyForcibly);
      for (Process burner : burners) {
        burner.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
