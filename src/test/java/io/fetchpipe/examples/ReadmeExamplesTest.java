package io.fetchpipe.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The examples of the README and of docs/ are the tests' code: the lines between a test's {@code
 * // README: NAME begins} (or {@code // docs/FILE.md: NAME begins}) and {@code ends} comments,
 * without their common indentation, appear in that document as they are.
 */
class ReadmeExamplesTest {
  private static final Path SOURCES = Path.of("src/test/java/io/fetchpipe");

  @ParameterizedTest
  @CsvSource({
      "examples/QuickStartTest.java, README.md, quick start",
      "examples/SeedFetchExamplesTest.java, docs/fetching.md, seed fetch examples",
      "testkit/EmbeddedServerExampleTest.java, docs/testing.md, testing with the embedded server",
      "testkit/VirtualTimeExampleTest.java, docs/testing.md, testing in virtual time",
      "examples/BatchJobExamplesTest.java, docs/batch-jobs.md, a file of URLs",
      "examples/BatchJobExamplesTest.java, docs/batch-jobs.md, running it",
      "examples/BatchJobExamplesTest.java, docs/batch-jobs.md, your own graph",
      "examples/BatchJobExamplesTest.java, docs/batch-jobs.md, options",
      "testkit/TestingDocExamplesTest.java, docs/testing.md, server outside JUnit",
      "testkit/TestingDocExamplesTest.java, docs/testing.md, fetches in virtual time",
  })
  void theDocumentShowsTheTestsCode(String source, String document, String name) throws IOException {
    String text = Files.readString(Path.of(document));
    String label = document.equals("README.md") ? "README" : document;
    String example = between(Files.readAllLines(SOURCES.resolve(source)), "// " + label + ": " + name + " begins",
        "// " + label + ": " + name + " ends");
    assertTrue(text.contains(example), document + " lacks the code of " + source + " (" + name + "):\n" + example);
  }

  private static String between(List<String> lines, String begin, String end) {
    List<String> trimmed = lines.stream().map(String::strip).toList();
    int from = trimmed.indexOf(begin);
    int to = trimmed.indexOf(end);
    assertTrue(from >= 0 && to > from, "markers '" + begin + "' and '" + end + "'");
    return String.join("\n", lines.subList(from + 1, to)).stripIndent().strip();
  }
}
