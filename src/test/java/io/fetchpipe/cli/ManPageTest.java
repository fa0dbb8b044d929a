package io.fetchpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The man page generated from the command line's model: it documents every command and every fetch
 * option with its default, the build's copy is the current one, and man renders it.
 */
class ManPageTest {
  // Where the build writes it (the exec plugin, after compiling).
  private static final Path BUILT = Path.of("target", "man", "fetchpipe.1");

  @TempDir Path dir;

  private static CommandSpec fetchSpec() {
    PrintStream nowhere =
        new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    return Main.commandLine(Console.of(new ByteArrayInputStream(new byte[0]), nowhere, nowhere))
        .getSubcommands()
        .get("fetch")
        .getCommandSpec();
  }

  /** {@code --max-body} as roff writes it: {@code \-\-max\-body}. */
  private static String roff(String name) {
    return name.replace("-", "\\-");
  }

  @Test
  void thePageDocumentsEveryFetchOptionWithItsDefault() throws Exception {
    String page = ManPage.render();
    assertTrue(page.startsWith(".\\\" ") && page.contains("\n.TH \"FETCHPIPE\" 1 "), page);
    for (String section :
        List.of(
            ".SH NAME",
            ".SH SYNOPSIS",
            ".SH DESCRIPTION",
            ".SH COMMANDS",
            ".SH \"FETCH OPTIONS\"",
            ".SH \"WORKER OPTIONS\"",
            ".SH \"SERVE OPTIONS\"",
            ".SH \"COMPLETION OPTIONS\"")) {
      assertTrue(page.contains("\n" + section + "\n"), section);
    }
    String fetch =
        page.substring(
            page.indexOf(".SH \"FETCH OPTIONS\""), page.indexOf(".SH \"WORKER OPTIONS\""));
    for (ContractOptions.Row row : ContractOptions.fromDocs()) {
      for (String name : row.names()) {
        int at = fetch.indexOf("\\fB" + roff(name) + "\\fR");
        assertTrue(at >= 0, name + " in the page");
        int next = fetch.indexOf(".TP", at);
        String entry =
            fetch.substring(at, next < 0 ? fetch.length() : next).replaceAll("\\s+", " ");
        assertTrue(
            entry.contains("(default: " + roff(row.defaultValue()) + ")"), name + ": " + entry);
      }
    }
    for (OptionSpec option : fetchSpec().options()) {
      assertTrue(
          fetch.contains("\\fB" + roff(option.longestName()) + "\\fR"), option.longestName());
    }
    for (String status : List.of("0", "1", "2", "130", "141", "143")) {
      assertTrue(fetch.contains(".TP\n\\fB" + status + "\\fR\n"), "exit status " + status);
    }
  }

  @Test
  void theBuildsPageIsTheCurrentOne() throws Exception {
    assumeTrue(Files.exists(BUILT), "built by mvn process-classes and later phases");
    assertEquals(ManPage.render(), Files.readString(BUILT, StandardCharsets.UTF_8));
  }

  @Test
  void manRendersThePage() throws Exception {
    Path page = dir.resolve("fetchpipe.1");
    ManPage.write(page);
    ProcessBuilder man = new ProcessBuilder("man", "-l", page.toString());
    man.environment()
        .putAll(Map.of("MANWIDTH", "100", "MANPAGER", "cat", "PAGER", "cat", "LC_ALL", "C.UTF-8"));
    String text = run(man, "man").replaceAll("[ \\t]+", " ");
    for (String expected :
        List.of(
            "FETCHPIPE(1)",
            "NAME",
            "fetchpipe - ",
            "FETCH OPTIONS",
            "-c, --concurrency N",
            "--progress, --no-progress",
            "(default: 10s)",
            "141")) {
      assertTrue(
          text.replace('\n', ' ').replaceAll(" +", " ").contains(expected),
          expected + " in:\n" + text);
    }
  }

  @Test
  void groffFindsNothingToWarnAbout() throws Exception {
    Path page = dir.resolve("fetchpipe.1");
    ManPage.write(page);
    ProcessBuilder groff =
        new ProcessBuilder("groff", "-man", "-ww", "-z", page.toString()).redirectErrorStream(true);
    assertEquals("", run(groff, "groff"));
  }

  /**
   * The command's output (stdout, overstrikes removed); skips the test where the tool is missing.
   */
  private static String run(ProcessBuilder builder, String tool) throws Exception {
    Process process;
    try {
      process = builder.start();
    } catch (IOException notInstalled) {
      assumeTrue(false, tool + " is not installed");
      throw notInstalled;
    }
    try {
      CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> readAll(process));
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), tool + " ends");
      assertEquals(0, process.exitValue(), tool + " exit status");
      return new String(output.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8)
          .replaceAll(".\b", "");
    } finally {
      process.destroyForcibly();
    }
  }

  private static byte[] readAll(Process process) {
    try {
      return process.getInputStream().readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
