package io.fetchpipe.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code fetch} options of the command-line contract, as docs/command-line.md's options table
 * states them (the contract's table, option for option, default for default, plus the options the
 * command has beyond it): each row's option names and its default.
 */
final class ContractOptions {
  /** One row: e.g. {@code [-c, --concurrency]} and {@code from config (5)}. */
  record Row(List<String> names, String defaultValue) {}

  private static final Pattern CODE = Pattern.compile("`([^`]*)`");
  private static final Pattern NAME = Pattern.compile("(?:^|[\\s,])(--?[A-Za-z][\\w-]*)");

  private ContractOptions() {}

  /**
   * The rows of every options table ({@code | option | meaning | default |}) of the {@code fetch}
   * section of docs/command-line.md: the contract's main table and those of its subsections.
   */
  static List<Row> fromDocs() throws IOException {
    List<Row> rows = new ArrayList<>();
    for (String line : fetchSection()) {
      if (!line.startsWith("| `")) {
        continue; // prose, a table's header or rule, or another table's rows (they start with a
        // name)
      }
      String[] cells = line.substring(1).split("(?<!\\\\)\\|");
      if (cells.length < 3) {
        continue; // a two-column table (the output's fields)
      }
      List<String> names = new ArrayList<>();
      Matcher code = CODE.matcher(cells[0]);
      while (code.find()) {
        Matcher name = NAME.matcher(code.group(1));
        while (name.find()) {
          names.add(name.group(1));
        }
      }
      if (!names.isEmpty()) {
        rows.add(new Row(names, cells[2].replace("`", "").trim()));
      }
    }
    if (rows.isEmpty()) {
      throw new IllegalStateException("no options table in docs/command-line.md");
    }
    return rows;
  }

  /**
   * The lines of docs/command-line.md under {@code ## `fetchpipe fetch}, up to the next section.
   */
  static List<String> fetchSection() throws IOException {
    return section("## `fetchpipe fetch");
  }

  /**
   * The lines of docs/command-line.md under the heading starting {@code heading}, up to the next
   * one.
   */
  static List<String> section(String heading) throws IOException {
    List<String> lines =
        Files.readAllLines(Path.of("docs/command-line.md"), StandardCharsets.UTF_8);
    int start = 0;
    while (start < lines.size() && !lines.get(start).startsWith(heading)) {
      start++;
    }
    if (start == lines.size()) {
      throw new IllegalStateException("no section '" + heading + "' in docs/command-line.md");
    }
    int end = start + 1;
    while (end < lines.size() && !lines.get(end).startsWith("## ")) {
      end++;
    }
    return lines.subList(start + 1, end);
  }
}
