package io.fetchpipe.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The {@code fetchpipe(1)} man page, written in roff from the command line's own model (the
 * commands, options, descriptions with their defaults, and exit statuses that {@code --help}
 * shows), so the page cannot drift from the program. The build runs {@link #main} after compiling
 * ({@code target/man/fetchpipe.1}); {@code man -l target/man/fetchpipe.1} reads it.
 */
public final class ManPage {
  private ManPage() {}

  /** Writes the page to the file named by the one argument. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: ManPage OUTPUT_FILE");
    }
    write(Path.of(args[0]));
  }

  /** Writes the page to {@code file}, creating its directory. */
  static void write(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Files.writeString(file, render(), StandardCharsets.UTF_8);
  }

  /** The page's roff source. */
  static String render() {
    PrintStream nowhere =
        new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    CommandLine root =
        Main.commandLine(Console.of(InputStream.nullInputStream(), nowhere, nowhere));
    return render(root.getCommandSpec());
  }

  static String render(CommandSpec root) {
    Roff page = new Roff();
    String name = root.name();
    String version = root.version().length > 0 ? root.version()[0] : name;
    page.comment(
        "Generated from fetchpipe's command-line model by io.fetchpipe.cli.ManPage; do not edit.");
    page.request(
        ".TH "
            + quoted(name.toUpperCase(Locale.ROOT))
            + " 1 \"\" "
            + quoted(version)
            + " \"User Commands\"");
    // Options and paths are not words to hyphenate, nor to stretch between.
    page.request(".nh");
    page.request(".ad l");

    page.request(".SH NAME");
    page.text(
        name
            + " - "
            + lowerFirst(stripPeriod(String.join(" ", root.usageMessage().description()))));

    page.request(".SH SYNOPSIS");
    boolean first = true;
    for (Map.Entry<String, CommandLine> sub : root.subcommands().entrySet()) {
      if (!first) {
        page.request(".br");
      }
      first = false;
      page.raw(synopsis(sub.getValue().getCommandSpec()));
    }

    page.request(".SH DESCRIPTION");
    page.text(String.join(" ", root.usageMessage().description()));
    page.text(
        "Each command below has its own options, listed under its name; "
            + name
            + " COMMAND --help prints them too.");
    page.request(".SH COMMANDS");
    for (CommandLine sub : root.subcommands().values()) {
      CommandSpec spec = sub.getCommandSpec();
      page.request(".TP");
      page.raw(bold(spec.qualifiedName()));
      page.text(String.join(" ", spec.usageMessage().description()));
    }
    page.request(".SH OPTIONS");
    options(page, root);

    for (CommandLine sub : root.subcommands().values()) {
      CommandSpec spec = sub.getCommandSpec();
      page.request(".SH " + quoted(spec.name().toUpperCase(Locale.ROOT) + " OPTIONS"));
      page.raw(synopsis(spec));
      page.request(".PP");
      for (String line : spec.usageMessage().description()) {
        page.text(line);
        page.request(".PP");
      }
      options(page, spec);
      exitStatuses(page, spec);
    }

    page.request(".SH ENVIRONMENT");
    page.request(".TP");
    page.raw(bold("JAVA_OPTS"));
    page.text(
        "Options for the Java virtual machine, added by bin/fetchpipe after its own "
            + "(e.g. -Xmx256m, or -Dlogback.configurationFile=FILE to configure logging).");
    page.request(".SH FILES");
    page.request(".TP");
    page.raw(bold("application.conf"));
    page.text(
        "The command line's configuration, inside the jar; -Dconfig.file=FILE in JAVA_OPTS "
            + "chooses another (it should include \"application.conf\").");
    page.request(".SH \"SEE ALSO\"");
    page.text(
        name
            + " completion bash, "
            + name
            + " completion zsh: shell completion scripts. "
            + "README.md: the command-line contract and the library.");
    return page.toString();
  }

  /** {@code fetchpipe fetch [options] [FILE]}, as a roff line. */
  private static String synopsis(CommandSpec spec) {
    StringBuilder line = new StringBuilder(bold(spec.qualifiedName()));
    if (!spec.options().isEmpty()) {
      line.append(" [").append(italic("options")).append(']');
    }
    for (OptionSpec option : spec.options()) {
      if (option.required()) {
        line.append(' ')
            .append(bold(option.longestName()))
            .append(' ')
            .append(italic(label(option)));
      }
    }
    for (PositionalParamSpec positional : spec.positionalParameters()) {
      String label = italic(positional.paramLabel());
      line.append(' ').append(positional.arity().min() == 0 ? "[" + label + "]" : label);
    }
    return line.toString();
  }

  private static void options(Roff page, CommandSpec spec) {
    for (PositionalParamSpec positional : spec.positionalParameters()) {
      page.request(".TP");
      page.raw(italic(positional.paramLabel()));
      description(page, positional);
    }
    for (OptionSpec option : spec.options()) {
      if (option.hidden()) {
        continue;
      }
      page.request(".TP");
      page.raw(names(spec, option));
      description(page, option);
    }
  }

  private static void description(Roff page, ArgSpec arg) {
    page.text(String.join(" ", arg.description()).trim());
  }

  private static void exitStatuses(Roff page, CommandSpec spec) {
    Map<String, String> statuses = spec.usageMessage().exitCodeList();
    if (statuses.isEmpty()) {
      return;
    }
    page.request(".PP");
    page.raw(bold("Exit status:"));
    for (Map.Entry<String, String> status : statuses.entrySet()) {
      page.request(".TP");
      page.raw(bold(status.getKey().trim()));
      page.text(status.getValue().trim());
    }
  }

  /** {@code -c, --concurrency N}, or {@code --progress, --no-progress} for a negatable option. */
  private static String names(CommandSpec spec, OptionSpec option) {
    List<String> names = new ArrayList<>();
    for (String name : option.names()) {
      names.add(bold(name));
    }
    if (option.negatable()) {
      CommandLine.INegatableOptionTransformer negation = spec.negatableOptionTransformer();
      for (String name : option.names()) {
        names.add(bold(negation.makeNegative(name, spec)));
      }
    }
    String line = String.join(", ", names);
    return option.arity().max() == 0 ? line : line + " " + italic(label(option));
  }

  private static String label(OptionSpec option) {
    return option.paramLabel().replaceAll("^<(.*)>$", "$1");
  }

  private static String bold(String text) {
    return "\\fB" + escape(text) + "\\fR";
  }

  private static String italic(String text) {
    return "\\fI" + escape(text) + "\\fR";
  }

  private static String quoted(String text) {
    return "\"" + escape(text).replace("\"", "\\(dq") + "\"";
  }

  /**
   * Text safe in roff: backslashes written as {@code \e}, and every hyphen as {@code \-} so options
   * stay ASCII minus signs (copied from the page, {@code -c} still works).
   */
  static String escape(String text) {
    StringBuilder escaped = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        escaped.append("\\e");
      } else if (c == '-') {
        escaped.append("\\-");
      } else {
        escaped.append(c);
      }
    }
    return escaped.toString();
  }

  private static String stripPeriod(String text) {
    return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
  }

  private static String lowerFirst(String text) {
    return text.isEmpty() ? text : Character.toLowerCase(text.charAt(0)) + text.substring(1);
  }

  /** The page being written: requests, escaped text lines and lines already in roff. */
  private static final class Roff {
    private final StringBuilder out = new StringBuilder();

    void comment(String text) {
      out.append(".\\\" ").append(text).append('\n');
    }

    void request(String line) {
      out.append(line).append('\n');
    }

    /** Plain text: escaped, and kept from starting with a control character. */
    void text(String text) {
      if (!text.isEmpty()) {
        raw(escape(text));
      }
    }

    /** A line already in roff. */
    void raw(String line) {
      String safe = line.startsWith(".") || line.startsWith("'") ? "\\&" + line : line;
      out.append(safe).append('\n');
    }

    @Override
    public String toString() {
      return out.toString();
    }
  }
}
