package io.fetchpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code fetchpipe fetch --help} against the contract's options table. */
class FetchHelpTest {
  // Where an option's entry starts in picocli's usage: "  -c, --concurrency=N" or "
  // --per-host=N".
  private static final String ENTRY_START = "^ {2}-\\S.*|^ {6}--\\S.*";

  private static String help() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        Main.run(
            new String[] {"fetch", "--help"},
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, exit);
    assertEquals("", err.toString(StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpListsEveryOptionOfTheContractWithItsDefault() throws Exception {
    String help = help();
    List<ContractOptions.Row> rows = ContractOptions.fromDocs();
    assertTrue(rows.size() >= 25, "the contract's table has 25 rows: " + rows.size());
    for (ContractOptions.Row row : rows) {
      for (String name : row.names()) {
        String entry = entry(help, name);
        assertTrue(
            entry.contains("(default: " + row.defaultValue() + ")"),
            name + " says its default '" + row.defaultValue() + "': " + entry);
      }
    }
  }

  @Test
  void helpListsTheExitStatuses() {
    String help = help().replaceAll("\\s+", " ");
    for (String status :
        List.of(
            " 0 every line ok",
            " 1 at least one error line",
            " 2 usage error",
            " 130 stopped by SIGINT",
            " 141 standard output closed by its reader",
            " 143 stopped by SIGTERM")) {
      assertTrue(help.contains(status), status + " in " + help);
    }
  }

  /**
   * The text of {@code name}'s entry in the usage, whitespace collapsed; fails if there is none.
   */
  private static String entry(String help, String name) {
    List<String> lines = help.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).matches(ENTRY_START) && declares(lines.get(i), name)) {
        StringBuilder entry = new StringBuilder(lines.get(i));
        for (int j = i + 1;
            j < lines.size()
                && !lines.get(j).matches(ENTRY_START)
                && !lines.get(j).isBlank()
                && lines.get(j).startsWith(" ");
            j++) {
          entry.append(' ').append(lines.get(j));
        }
        return entry.toString().replaceAll("\\s+", " ").trim();
      }
    }
    throw new AssertionError(name + " is not in fetch --help:\n" + help);
  }

  /** Whether the option column of {@code line} names {@code name} (--no-x and --x as --[no-]x). */
  private static boolean declares(String line, String name) {
    String options = line.trim().split(" {2,}")[0];
    String negatable =
        name.startsWith("--no-") ? "--[no-]" + name.substring(5) : "--[no-]" + name.substring(2);
    for (String declared : options.split(",\\s*")) {
      String declaredName = declared.split("=")[0].trim();
      if (declaredName.equals(name) || declaredName.equals(negatable)) {
        return true;
      }
    }
    return false;
  }
}
