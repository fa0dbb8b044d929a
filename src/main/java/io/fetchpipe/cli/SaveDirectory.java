package io.fetchpipe.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The {@code --save} directory: created if missing and checked writable before anything is fetched;
 * bodies are written as {@code <index>.body} (under a temporary name first, so every file a line
 * names is complete).
 */
final class SaveDirectory {
  private SaveDirectory() {}

  /**
   * Creates {@code dir} if needed, checks a file can be written in it, and removes the temporary
   * files an interrupted run may have left (their bodies are fetched again).
   */
  static void prepare(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UsageException("cannot create " + dir + ": " + Inputs.reason(e));
    }
    try {
      Files.delete(Files.createTempFile(dir, ".fetchpipe-check", ".tmp"));
    } catch (IOException e) {
      throw new UsageException("cannot write into " + dir + ": " + Inputs.reason(e));
    }
    try (DirectoryStream<Path> partial = Files.newDirectoryStream(dir, ".*.body.part")) {
      for (Path leftover : partial) {
        if (Files.isRegularFile(leftover, LinkOption.NOFOLLOW_LINKS)) {
          Files.delete(leftover); // only what a run of ours wrote; anything else is the user's
        }
      }
    } catch (IOException e) {
      throw new UsageException("cannot clean up " + dir + ": " + Inputs.reason(e));
    }
  }

  /** Where the body of the request at {@code index} goes. */
  static Path fileFor(Path dir, long index) {
    return dir.resolve(index + ".body");
  }
}
