package io.fetchpipe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.function.Consumer;

/**
 * What an earlier run left in the output file: the indexes already written (ok or not) and their
 * counts. A torn last line (a crash in mid-write, or one that does not parse) is cut off, so its
 * URL is fetched again and the file holds whole lines only.
 */
final class ResumeState {
  private static final ObjectMapper JSON = new ObjectMapper();

  final BitSet done = new BitSet();
  long ok;
  long failed;
  private Consumer<JsonNode> counted = line -> {};

  /**
   * Reads {@code file} (missing: nothing done) and repairs a torn end; {@code counted} sees each
   * line kept.
   */
  static ResumeState load(Path file, Consumer<JsonNode> counted) {
    ResumeState state = new ResumeState();
    state.counted = counted;
    if (!Files.exists(file)) {
      return state;
    }
    long wholeBytes = 0;
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      long size = Files.size(file);
      String line;
      long offset = 0;
      while ((line = reader.readLine()) != null) {
        long lineBytes = line.getBytes(StandardCharsets.UTF_8).length + 1L;
        boolean complete = offset + lineBytes <= size && state.accept(line);
        if (!complete) {
          break; // a torn or unreadable line: it and anything after it are dropped
        }
        offset += lineBytes;
        wholeBytes = offset;
      }
      if (wholeBytes < size) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
          raf.setLength(wholeBytes);
        }
      }
    } catch (IOException e) {
      throw new UsageException("cannot resume from " + file + ": " + e.getMessage());
    }
    return state;
  }

  private boolean accept(String line) {
    try {
      JsonNode node = JSON.readTree(line);
      if (node == null || !node.has("index") || !node.has("ok")) {
        return false;
      }
      int index = node.get("index").asInt(-1);
      if (index < 0 || done.get(index)) {
        return index >= 0; // a duplicate line is kept as it is, but counted once
      }
      done.set(index);
      counted.accept(node);
      if (node.get("ok").asBoolean()) {
        ok++;
      } else {
        failed++;
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
