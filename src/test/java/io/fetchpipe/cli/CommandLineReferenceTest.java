package io.fetchpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * docs/command-line.md is the command line's reference: it names every option the command line has
 * (picocli's model, the one that parses the arguments) and no option it does not have.
 */
class CommandLineReferenceTest {
  private static final Set<String> STANDARD = Set.of("-h", "--help", "-V", "--version");
  private static final Set<String> COMMON =
      Set.of("-h", "--help", "-V", "--version", "-v", "--verbose");

  private static CommandLine root() {
    PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
    return Main.commandLine(Console.of(InputStream.nullInputStream(), nowhere, nowhere));
  }

  /** Every name of every option of {@code command}, but help and version. */
  private static Set<String> modelNames(String command) {
    Set<String> names = new TreeSet<>();
    for (OptionSpec option : root().getSubcommands().get(command).getCommandSpec().options()) {
      for (String name : option.names()) {
        if (!STANDARD.contains(name)) {
          names.add(name);
          if (option.negatable() && name.startsWith("--")) {
            names.add("--no-" + name.substring(2)); // written --[no-]x in the model
          }
        }
      }
    }
    return names;
  }

  @Test
  void theFetchTablesListEveryOptionOfTheModelAndNoOther() throws IOException {
    Set<String> documented = new TreeSet<>();
    for (ContractOptions.Row row : ContractOptions.fromDocs()) {
      documented.addAll(row.names());
    }
    Set<String> model = modelNames("fetch");
    List<String> problems = new ArrayList<>();
    for (String name : model) {
      if (!documented.contains(name)) {
        problems.add(name + " is an option of fetch but not in docs/command-line.md's tables");
      }
    }
    for (String name : documented) {
      if (!model.contains(name)) {
        problems.add(name + " is in docs/command-line.md's tables but fetch has no such option");
      }
    }
    assertEquals(List.of(), problems);
  }

  /**
   * Every option of the other commands, but those every command has (help, version, verbose,
   * written once in the "Running it" section): one of its names in the command's section.
   */
  @ParameterizedTest
  @ValueSource(strings = {"worker", "serve", "demo", "completion"})
  void eachOtherCommandsSectionNamesEveryOptionItHas(String command) throws IOException {
    String heading =
        command.equals("completion") ? "## Shell completion" : "## `fetchpipe " + command;
    String section = String.join("\n", ContractOptions.section(heading));
    for (OptionSpec option : root().getSubcommands().get(command).getCommandSpec().options()) {
      List<String> names = List.of(option.names());
      if (names.stream().anyMatch(COMMON::contains)) {
        continue;
      }
      assertTrue(
          names.stream()
              .anyMatch(
                  name -> section.matches("(?s).*`[^`]*" + Pattern.quote(name) + "\\b[^`]*`.*")),
          command + "'s section of docs/command-line.md does not name " + names + ":\n" + section);
    }
  }
}
