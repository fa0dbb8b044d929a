package io.fetchpipe.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code fetchpipe completion bash|zsh}: a shell completion script generated from the command
 * line's own model (picocli's {@link AutoComplete}), so it offers exactly the commands, options and
 * enum values there are. zsh runs the same script through its {@code bashcompinit}, which the
 * script loads itself.
 */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Print a completion script for SHELL on stdout.",
      "bash: source <(fetchpipe completion bash), e.g. in ~/.bashrc, or save it as "
          + "~/.local/share/bash-completion/completions/fetchpipe.",
      "zsh: source <(fetchpipe completion zsh) in ~/.zshrc; the script enables zsh's bashcompinit."
    })
final class CompletionCommand implements Callable<Integer> {
  /** The shells a script is made for. */
  enum Shell {
    bash,
    zsh
  }

  /** The name completion is registered for. */
  static final String PROGRAM = "fetchpipe";

  @ParentCommand FetchpipeCommand parent;

  @Spec CommandSpec spec;

  @Mixin Verbosity verbosity;

  @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh")
  Shell shell;

  @Override
  public Integer call() {
    verbosity.apply();
    CommandLine root = spec.root().commandLine();
    String script = script(shell, withNegatedOptions(AutoComplete.bash(PROGRAM, root), root));
    try {
      parent.console.results().write(script.getBytes(StandardCharsets.UTF_8));
      parent.console.results().flush();
    } catch (IOException e) {
      throw RunFailure.of(new UncheckedIOException(e));
    }
    return ExitCodes.OK;
  }

  /**
   * picocli's script offers {@code --progress} but not {@code --no-progress}: each negatable
   * option's negated names are added beside it, in its own command's function.
   */
  static String withNegatedOptions(String script, CommandLine commandLine) {
    String result = script;
    CommandSpec command = commandLine.getCommandSpec();
    String function = "function _picocli_" + command.qualifiedName("_") + "() {";
    int start = result.indexOf(function);
    int end = start < 0 ? -1 : result.indexOf("\n}\n", start);
    if (end > start) {
      String body = result.substring(start, end);
      for (OptionSpec option : command.options()) {
        if (option.negatable()) {
          for (String name : option.names()) {
            String negated = command.negatableOptionTransformer().makeNegative(name, command);
            if (!negated.equals(name)) {
              body = body.replace("'" + name + "'", "'" + name + "' '" + negated + "'");
            }
          }
        }
      }
      result = result.substring(0, start) + body + result.substring(end);
    }
    for (CommandLine sub : commandLine.getSubcommands().values()) {
      result = withNegatedOptions(result, sub);
    }
    return result;
  }

  /** picocli's script, after its first line, with a note on how to install it in {@code shell}. */
  static String script(Shell shell, String generated) {
    String note =
        switch (shell) {
          case bash ->
              """
          #
          # fetchpipe completion for bash, generated from its command line:
          #   source <(fetchpipe completion bash)          # now, or in ~/.bashrc
          #   fetchpipe completion bash > ~/.local/share/bash-completion/completions/fetchpipe
          """;
          case zsh ->
              """
          # fetchpipe completion for zsh, generated from its command line: the bash script below,
          # which loads zsh's compinit and bashcompinit itself. In ~/.zshrc:
          #   source <(fetchpipe completion zsh)
          """;
        };
    int firstLine = generated.indexOf('\n') + 1;
    String shebang = shell == Shell.bash ? generated.substring(0, firstLine) : "";
    return shebang + note + generated.substring(firstLine);
  }
}
