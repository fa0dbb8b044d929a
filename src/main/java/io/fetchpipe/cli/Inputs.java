package io.fetchpipe.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.stream.IOResult;
import org.apache.pekko.stream.javadsl.FileIO;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamConverters;
import org.apache.pekko.util.ByteString;

/**
 * The input of a command: any readable file (regular, a named pipe, {@code <(command)}, {@code
 * /dev/stdin}) or standard input, read lazily as a stream of bytes.
 */
final class Inputs {
  private static final Pattern PATH_AND_REASON = Pattern.compile(".* \\(([^()]+)\\)");

  private Inputs() {}

  /** {@code name} as a path, after checking it can be read; a usage error says why not. */
  static Path checkReadable(String name) {
    Path path = Path.of(name);
    if (Files.isDirectory(path)) {
      throw new UsageException("cannot read " + name + ": it is a directory");
    }
    if (!Files.exists(path)) {
      throw new UsageException("cannot read " + name + ": no such file");
    }
    if (!Files.isReadable(path)) {
      throw new UsageException("cannot read " + name + ": permission denied");
    }
    return path;
  }

  /**
   * The bytes of {@code path}: a regular file through Pekko's file source, anything else (a pipe
   * cannot seek) as a stream read on the blocking-I/O dispatcher.
   */
  static Source<ByteString, CompletionStage<IOResult>> bytes(Path path) {
    if (Files.isRegularFile(path)) {
      return FileIO.fromPath(path);
    }
    return StreamConverters.fromInputStream(() -> Files.newInputStream(path));
  }

  /**
   * A one-line reason for an I/O error, without the exception's class name or the path the caller
   * names anyway ({@code java.io}'s "PATH (No such file or directory)" becomes "No such file or
   * directory").
   */
  static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "a file is in the way";
    }
    if (e instanceof NotDirectoryException) {
      return "not a directory";
    }
    if (e instanceof FileSystemException fileSystem && fileSystem.getReason() != null) {
      return Main.oneLine(fileSystem.getReason());
    }
    String message = e.getMessage();
    if (message == null) {
      return e.getClass().getSimpleName();
    }
    Matcher pathAndReason = PATH_AND_REASON.matcher(message);
    if (e instanceof FileNotFoundException && pathAndReason.matches()) {
      return pathAndReason.group(1);
    }
    return Main.oneLine(message);
  }
}
