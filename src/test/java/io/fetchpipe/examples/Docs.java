package io.fetchpipe.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The project's documentation as its readers see it: README.md and the pages under docs/. */
final class Docs {
  private Docs() {}

  /** README.md first, then every Markdown page under docs/, in name order. */
  static List<Path> pages() {
    List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
    try (Stream<Path> docs = Files.walk(Path.of("docs"))) {
      docs.filter(path -> path.toString().endsWith(".md")).sorted().forEach(pages::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pages;
  }

  /** The text of every page, one after another. */
  static String allText() {
    StringBuilder text = new StringBuilder();
    for (Path page : pages()) {
      try {
        text.append(Files.readString(page)).append('\n');
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return text.toString();
  }
}
