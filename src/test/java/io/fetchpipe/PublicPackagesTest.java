package io.fetchpipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The top-level package comment names every public package in {@code {@code name}}: each package of
 * the sources that is neither internal nor the command line's, and no other name.
 */
class PublicPackagesTest {
  private static final Path SOURCES = Path.of("src/main/java");
  private static final Set<String> APPLICATION_PACKAGES = Set.of("cli", "demo");

  @Test
  void theTopLevelPackageCommentNamesEveryPublicPackage() throws Exception {
    Set<String> named = new TreeSet<>();
    Matcher code =
        Pattern.compile("\\{@code\\s+([a-z.]+)}")
            .matcher(
                // The comment as text: a {@code ...} may be wrapped onto the next line.
                Files.readString(SOURCES.resolve("io/fetchpipe/package-info.java"))
                    .split("\\*/")[0]
                    .replaceAll("\\s*\\n\\s*\\*\\s*", " "));
    while (code.find()) {
      named.add(code.group(1));
    }
    Set<String> packages = new TreeSet<>();
    Path root = SOURCES.resolve("io/fetchpipe");
    try (Stream<Path> files = Files.walk(root)) {
      files
          .filter(file -> file.toString().endsWith(".java") && !file.endsWith("package-info.java"))
          .map(file -> root.relativize(file.getParent()).toString().replace('/', '.'))
          .filter(name -> !name.isEmpty() && !(name + ".").contains("internal."))
          .forEach(packages::add);
    }
    assertTrue(packages.contains("core"), "read the sources: " + packages);
    Set<String> publicPackages = new TreeSet<>(packages);
    publicPackages.removeAll(APPLICATION_PACKAGES);
    named.removeAll(APPLICATION_PACKAGES); // named too, as not API, and so is "internal"
    named.remove("internal");
    assertEquals(publicPackages, named, "public packages named in io/fetchpipe/package-info.java");
  }
}
