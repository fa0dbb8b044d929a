package io.fetchpipe.cli;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What the process knows of the terminal its standard error is attached to, if any: whether there
 * is one (the progress bar's default) and how wide it is. On Linux, from the device {@code
 * /proc/self/fd/2} names; elsewhere the JVM's console stands in for it.
 */
final class Terminal {
  /** The width assumed when it cannot be told. */
  static final int DEFAULT_COLUMNS = 80;

  private static final Path STDERR_LINK = Path.of("/proc/self/fd/2");

  private Terminal() {}

  /** The terminal device standard error writes to; empty when it is a file, a pipe or unknown. */
  static Optional<Path> stderrDevice() {
    if (!Files.isSymbolicLink(STDERR_LINK)) {
      return Optional.empty();
    }
    try {
      Path target = Files.readSymbolicLink(STDERR_LINK);
      return isTerminalDevice(target.toString()) ? Optional.of(target) : Optional.empty();
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return Optional.empty();
    }
  }

  /** Whether standard error is a terminal. */
  static boolean stderrIsTerminal() {
    if (Files.isSymbolicLink(STDERR_LINK)) {
      return stderrDevice().isPresent();
    }
    return System.console() != null;
  }

  /** Whether {@code device} (a path such as {@code /dev/pts/3}) is a terminal's. */
  static boolean isTerminalDevice(String device) {
    return device.startsWith("/dev/pts/")
        || device.startsWith("/dev/tty")
        || device.equals("/dev/console");
  }

  /**
   * The width of standard error's terminal: {@code $COLUMNS} when set, else what {@code stty} reads
   * from the device, else {@link #DEFAULT_COLUMNS}. Starts a short process: call it once.
   */
  static int stderrColumns() {
    Integer fromEnvironment = columns(System.getenv("COLUMNS"));
    if (fromEnvironment != null) {
      return fromEnvironment;
    }
    return stderrDevice().map(Terminal::sttyColumns).orElse(DEFAULT_COLUMNS);
  }

  private static int sttyColumns(Path device) {
    try {
      Process stty =
          new ProcessBuilder("stty", "size")
              .redirectInput(ProcessBuilder.Redirect.from(new File(device.toString())))
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (InputStream in = stty.getInputStream()) {
        in.transferTo(out);
      }
      if (!stty.waitFor(2, TimeUnit.SECONDS)) {
        stty.destroyForcibly();
        return DEFAULT_COLUMNS;
      }
      // "rows columns"
      String[] size = out.toString(StandardCharsets.US_ASCII).trim().split("\\s+");
      Integer columns = size.length == 2 ? columns(size[1]) : null;
      return columns != null ? columns : DEFAULT_COLUMNS;
    } catch (IOException e) {
      return DEFAULT_COLUMNS;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return DEFAULT_COLUMNS;
    }
  }

  /** A positive column count, or null for anything else. */
  static Integer columns(String text) {
    if (text == null || !text.trim().matches("\\d{1,5}")) {
      return null;
    }
    int columns = Integer.parseInt(text.trim());
    return columns > 0 ? columns : null;
  }
}
