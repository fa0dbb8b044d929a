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
 * The {@code fetch} options of the command-line contract, as docs/command-line.md's options table states
 * them (the contract's table, option for option, default for default, plus the options the
 * command has beyond it): each row's option names and its default.
 */
final class ContractOptions {
  /** One row: e.g. {@code [-c, --concurrency]} and {@code from config (5)}. */
  record Row(List<String> names, String defaultValue) {}

  private static final Pattern CODE = Pattern.compile("`([^`]*)`");
  private static final Pattern NAME = Pattern.compile("(?:^|[\\s,])(--?[A-Za-z][\\w-]*)");

  private ContractOptions() {}

  /** The rows of docs/command-line.md's table after the line starting {@code **Options**}. */
  static List<Row> fromReadme() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("docs/command-line.md"), StandardCharsets.UTF_8);
    int start = 0;
    while (start < lines.size() && !lines.get(start).startsWith("**Options**")) {
      start++;
    }
    List<Row> rows = new ArrayList<>();
    for (int i = start + 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (!line.startsWith("|")) {
        if (!rows.isEmpty()) {
          break;
        }
        continue;
      }
      if (!line.startsWith("| `")) {
        continue; // the header and its rule
      }
      String[] cells = line.substring(1).split("(?<!\\\\)\\|");
      List<String> names = new ArrayList<>();
      Matcher code = CODE.matcher(cells[0]);
      while (code.find()) {
        Matcher name = NAME.matcher(code.group(1));
        while (name.find()) {
          names.add(name.group(1));
        }
      }
      rows.add(new Row(names, cells[2].replace("`", "").trim()));
    }
    if (rows.isEmpty()) {
      throw new IllegalStateException("no options table in docs/command-line.md");
    }
    return rows;
  }
}
