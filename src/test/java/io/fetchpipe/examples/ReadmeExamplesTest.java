package io.fetchpipe.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The README's examples are the tests' code: the lines between a test's {@code // README: NAME
 * begins} and {@code ends} comments, without their common indentation, appear in the README as
 * they are.
 */
class ReadmeExamplesTest {
  private static final Path SOURCES = Path.of("src/test/java/io/fetchpipe");

  @ParameterizedTest
  @CsvSource({
      "examples/QuickStartTest.java, quick start",
      "examples/SeedFetchExamplesTest.java, seed fetch examples",
      "testkit/EmbeddedServerExampleTest.java, testing with the embedded server",
      "testkit/VirtualTimeExampleTest.java, testing in virtual time",
  })
  void theReadmeShowsTheTestsCode(String source, String name) throws IOException {
    String readme = Docs.allText();
    String example = between(Files.readAllLines(SOURCES.resolve(source)), "// README: " + name + " begins",
        "// README: " + name + " ends");
    assertTrue(readme.contains(example), "README.md and docs/ lack the code of " + source + " (" + name + "):\n" + example);
  }

  private static String between(List<String> lines, String begin, String end) {
    List<String> trimmed = lines.stream().map(String::strip).toList();
    int from = trimmed.indexOf(begin);
    int to = trimmed.indexOf(end);
    assertTrue(from >= 0 && to > from, "markers '" + begin + "' and '" + end + "'");
    return String.join("\n", lines.subList(from + 1, to)).stripIndent().strip();
  }
}
