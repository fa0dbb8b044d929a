package io.fetchpipe.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java in the README and in docs/ is the tests' code, both ways. A test marks the code a
 * document shows with {@code // README: NAME begins} (or {@code // docs/FILE.md: NAME begins}) and
 * {@code // README: NAME ends} comments; what lies between, without its common indentation, appears
 * in that document as it is, and every {@code ```java} block of a document is exactly such a
 * region: nothing a reader copies from the documentation is left uncompiled or unrun.
 */
class DocsExamplesTest {
  private static final Path TEST_SOURCES = Path.of("src/test/java");
  private static final Pattern MARKER =
      Pattern.compile("// (README|docs/[\\w./-]+\\.md): (.+) (begins|ends)");
  private static final Pattern JAVA_BLOCK =
      Pattern.compile("(?ms)^[ \\t]*```java[ \\t]*\\n(.*?)^[ \\t]*```[ \\t]*$");

  /**
   * The blocks that cannot sensibly be a test's code, each as "DOCUMENT: first line of the block"
   * with the reason, e.g. {@code Map.of("docs/x.md: Foo foo = ...", "why no test can run it")}.
   * Empty: every block is a test's code, and a new block should be too.
   */
  private static final Map<String, String> NOT_TEST_CODE = Map.of();

  /**
   * A marked region: where it is, the document it belongs to, and its text as a document shows it.
   */
  record Region(Path source, int line, String document, String name, String text) {}

  /** A {@code ```java} block of a document, stripped. */
  record Block(String document, int line, String text) {
    String firstLine() {
      return text.lines().findFirst().orElse("");
    }
  }

  @ParameterizedTest
  @MethodSource("namedRegions")
  void everyMarkedRegionAppearsInItsDocument(Region region) throws IOException {
    String document = Files.readString(Path.of(region.document()));
    assertTrue(
        document.contains(region.text()),
        region.document()
            + " lacks the code of "
            + region.source()
            + ":"
            + region.line()
            + " ("
            + region.name()
            + "):\n"
            + region.text());
    assertTrue(
        Files.readString(region.source()).contains("@Test"),
        region.source() + " holds a region but no test runs it there");
  }

  @ParameterizedTest
  @MethodSource("blocks")
  void everyJavaBlockIsATestsRegion(Block block) {
    String exempt = NOT_TEST_CODE.get(block.document() + ": " + block.firstLine());
    assumeTrue(exempt == null, () -> "not a test's code: " + exempt);
    if (regions().stream()
        .noneMatch(
            region ->
                region.document().equals(block.document()) && region.text().equals(block.text()))) {
      fail(
          block.document()
              + ":"
              + block.line()
              + ": this java block is no test's region (mark the code that runs it"
              + " with '// "
              + label(block.document())
              + ": NAME begins' and '... ends'):\n"
              + block.text());
    }
  }

  @Test
  void regionsAreClosedAndNamedOncePerDocument() {
    List<Region> all = regions();
    assertFalse(all.isEmpty(), "the tests mark the code the documents show");
    for (Region region : all) {
      long sameName =
          all.stream()
              .filter(
                  other ->
                      other.document().equals(region.document())
                          && other.name().equals(region.name()))
              .count();
      assertEquals(
          1, sameName, region.document() + ": '" + region.name() + "' names more than one region");
      assertTrue(
          Files.isRegularFile(Path.of(region.document())),
          region.source() + " marks code of " + region.document() + ", which does not exist");
    }
  }

  /** Every marked region of every test source. */
  static List<Region> regions() {
    try (Stream<Path> files = Files.walk(TEST_SOURCES)) {
      List<Region> regions = new ArrayList<>();
      for (Path source :
          files.filter(path -> path.toString().endsWith(".java")).sorted().toList()) {
        regions.addAll(regionsOf(source));
      }
      return regions;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The regions, each named by its document and name. */
  static Stream<Named<Region>> namedRegions() {
    return regions().stream()
        .map(region -> Named.of(region.document() + ": " + region.name(), region));
  }

  /** Every {@code ```java} block of README.md and docs/, each named by its document and line. */
  static Stream<Named<Block>> blocks() {
    List<Named<Block>> blocks = new ArrayList<>();
    for (Path page : Docs.pages()) {
      String text = read(page);
      Matcher block = JAVA_BLOCK.matcher(text);
      while (block.find()) {
        int line = lineOf(text, block.start());
        String code = block.group(1).stripIndent().strip();
        blocks.add(Named.of(page + ":" + line, new Block(page.toString(), line, code)));
      }
    }
    return blocks.stream();
  }

  private static List<Region> regionsOf(Path source) {
    List<String> lines = List.of(read(source).split("\n", -1));
    List<Region> regions = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher begin = MARKER.matcher(lines.get(i).strip());
      if (!begin.matches()) {
        continue;
      }
      assertEquals(
          "begins", begin.group(3), source + ":" + (i + 1) + ": an end without a beginning");
      String end = "// " + begin.group(1) + ": " + begin.group(2) + " ends";
      int to = i + 1;
      while (to < lines.size() && !lines.get(to).strip().equals(end)) {
        assertFalse(
            MARKER.matcher(lines.get(to).strip()).matches(),
            source + ":" + (to + 1) + ": a marker inside '" + begin.group(2) + "'");
        to++;
      }
      assertTrue(
          to < lines.size(), source + ":" + (i + 1) + ": '" + begin.group(2) + "' never ends");
      String document = begin.group(1).equals("README") ? "README.md" : begin.group(1);
      String text = String.join("\n", lines.subList(i + 1, to)).stripIndent().strip();
      regions.add(new Region(source, i + 1, document, begin.group(2), text));
      i = to;
    }
    return regions;
  }

  private static String label(String document) {
    return document.equals("README.md") ? "README" : document;
  }

  private static int lineOf(String text, int offset) {
    return (int) text.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
