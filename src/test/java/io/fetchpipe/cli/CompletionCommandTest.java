package io.fetchpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fetchpipe completion bash|zsh}: scripts from the command line's model that the shells run.
 */
class CompletionCommandTest {
  @TempDir Path dir;

  private static String script(String shell) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        Main.run(
            new String[] {"completion", shell},
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
    assertEquals("", err.toString(StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theBashScriptCompletesEveryCommandAndFetchOption() throws Exception {
    String script = script("bash");
    assertTrue(script.startsWith("#!/usr/bin/env bash\n"), script);
    assertTrue(script.contains("complete -F _complete_fetchpipe"), "registered for fetchpipe");
    for (String command : List.of("fetch", "worker", "serve", "demo", "completion")) {
      assertTrue(script.contains("_picocli_fetchpipe_" + command + "()"), command);
    }
    for (ContractOptions.Row row : ContractOptions.fromDocs()) {
      for (String name : row.names()) {
        assertTrue(script.contains("'" + name + "'"), name);
      }
    }
  }

  @Test
  void bashOffersOptionsAndTheirValues() throws Exception {
    Path script = Files.writeString(dir.resolve("fetchpipe.bash"), script("bash"));
    String offered =
        shell(
            "bash",
            script,
            """
        complete_words() { COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMPREPLY=()
          _complete_fetchpipe 2>/dev/null; printf '%s ' "${COMPREPLY[@]}"; echo; }
        complete_words fetchpipe fe
        complete_words fetchpipe fetch --con
        complete_words fetchpipe fetch --no-
        complete_words fetchpipe fetch --order ''
        complete_words fetchpipe completion ''
        """);
    assertEquals(
        List.of(
            "fetch", "--concurrency", "--no-local --no-progress", "input completion", "bash zsh"),
        offered.lines().map(String::trim).toList());
  }

  @Test
  void zshLoadsTheSameScriptThroughBashcompinit() throws Exception {
    String script = script("zsh");
    assertTrue(script.startsWith("# fetchpipe completion for zsh"), script);
    assertTrue(
        script.contains("autoload -U +X bashcompinit && bashcompinit"), "zsh's bash compatibility");
    Path file = Files.writeString(dir.resolve("fetchpipe.zsh"), script);
    String registered = shell("zsh", file, "print -r -- ${_comps[fetchpipe]}");
    assertTrue(
        registered.contains("_complete_fetchpipe"),
        "zsh completes fetchpipe with the script: " + registered);
  }

  /**
   * Runs {@code commands} in {@code shell} after sourcing {@code script}; skips where the shell is
   * missing.
   */
  private static String shell(String shell, Path script, String commands) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(shell, "-c", "source " + script + "\n" + commands)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    builder
        .environment()
        .put("HOME", script.getParent().toString()); // zsh's compinit writes its dump there
    Process process;
    try {
      process = builder.start();
    } catch (IOException notInstalled) {
      assumeTrue(false, shell + " is not installed");
      throw notInstalled;
    }
    try {
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(process));
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), shell + " ends");
      assertEquals(0, process.exitValue(), shell + " exit status");
      return out.get(10, TimeUnit.SECONDS);
    } finally {
      process.destroyForcibly();
    }
  }

  private static String readAll(Process process) {
    try {
      return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
