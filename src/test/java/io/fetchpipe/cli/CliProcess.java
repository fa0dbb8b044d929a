package io.fetchpipe.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A real {@code fetchpipe} process for tests: the command line's main class on the test class path,
 * with stdout and stderr captured to files (or stdout read line by line).
 */
final class CliProcess implements AutoCloseable {
  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private CliProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * The JVM options bin/fetchpipe starts a run with: the client compiler alone and the parallel
   * collector, which start a short run with about half the CPU (it matters on a loaded machine).
   */
  static final List<String> LAUNCHER_OPTIONS =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseParallelGC");

  /**
   * The command that runs {@code fetchpipe args...} from the test class path, as bin/fetchpipe
   * does.
   */
  static List<String> command(List<String> jvmOptions, String... args) {
    List<String> command = new ArrayList<>(List.of(java()));
    command.addAll(LAUNCHER_OPTIONS);
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    return command;
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * A bash script for what needs a shell (pipes, process substitution, PIPESTATUS), in which {@code
   * fetchpipe} is a function that runs the command line from the test class path; {@code args} are
   * the script's {@code $1, $2...}.
   */
  static ProcessBuilder bash(String script, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "bash",
                "-c",
                "fetchpipe() { \"$FETCHPIPE_JAVA\" "
                    + String.join(" ", LAUNCHER_OPTIONS)
                    + " -cp \"$FETCHPIPE_CLASSPATH\" "
                    + Main.class.getName()
                    + " \"$@\"; }\n"
                    + script,
                "test-script"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("FETCHPIPE_JAVA", java());
    builder.environment().put("FETCHPIPE_CLASSPATH", System.getProperty("java.class.path"));
    return builder;
  }

  /**
   * A process started elsewhere (e.g. with an environment of its own), its output in these files.
   */
  static CliProcess of(Process process, Path stdout, Path stderr) {
    return new CliProcess(process, stdout, stderr);
  }

  /**
   * Starts {@code fetchpipe args...} with its output in files under {@code dir}, named {@code
   * name}.
   */
  static CliProcess start(Path dir, String name, List<String> jvmOptions, String... args)
      throws IOException {
    List<String> command = command(jvmOptions, args);
    Path out = dir.resolve(name + ".out");
    Path err = dir.resolve(name + ".err");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    return new CliProcess(process, out, err);
  }

  /** {@code 127.0.0.1:PORT} at a port free a moment ago: a coordinator's address. */
  static String freeAddress() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return "127.0.0.1:" + socket.getLocalPort();
    }
  }

  /**
   * Starts {@code fetchpipe worker --join seed options...} and waits until it prints where it is
   * bound.
   */
  static CliProcess worker(
      Path dir, String name, String seed, List<String> jvmOptions, String... options)
      throws Exception {
    List<String> args = new ArrayList<>(List.of("worker", "--join", seed));
    args.addAll(List.of(options));
    CliProcess worker = start(dir, name, jvmOptions, args.toArray(String[]::new));
    String bound = worker.firstLine(600);
    if (!bound.startsWith("127.0.0.1:")) {
      worker.close();
      throw new AssertionError("the worker prints where it is bound, not: " + bound);
    }
    return worker;
  }

  /** The process. */
  Process process() {
    return process;
  }

  /** Waits (bounded) for the first line on stdout. */
  String firstLine(int maxPolls) throws Exception {
    for (int polls = 0; polls < maxPolls; polls++) {
      List<String> lines = Files.readAllLines(stdout, StandardCharsets.UTF_8);
      if (!lines.isEmpty()) {
        return lines.get(0);
      }
      if (!process.isAlive()) {
        throw new AssertionError("exited " + process.exitValue() + " before printing: " + stderr());
      }
      pause(50);
    }
    throw new AssertionError("nothing on stdout; stderr: " + stderr());
  }

  /** Waits a moment for the process to end, without failing when it does not. */
  private void pause(long millis) throws Exception {
    try {
      process.onExit().get(millis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException stillRunning) {
      // expected
    }
  }

  /** Lines of a file the process writes, 0 while it does not exist. */
  static long lineCount(Path file) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    try (Stream<String> lines = Files.lines(file)) {
      return lines.count();
    }
  }

  /** Waits (bounded by {@code maxPolls} × 50 ms) until {@code file} has {@code count} lines. */
  void awaitLines(Path file, long count, int maxPolls) throws Exception {
    for (int polls = 0; polls < maxPolls && lineCount(file) < count; polls++) {
      if (!process.isAlive()) {
        throw new AssertionError(
            "exited " + process.exitValue() + " with " + lineCount(file) + " lines: " + stderr());
      }
      pause(50);
    }
  }

  /** Waits at most {@code seconds} for the exit status. */
  int exit(long seconds) throws Exception {
    CompletableFuture<Process> exited = process.onExit();
    return exited.get(seconds, TimeUnit.SECONDS).exitValue();
  }

  /** The file the process's stderr goes to. */
  Path stderrFile() {
    return stderr;
  }

  /** What the process wrote on stderr so far. */
  String stderr() throws IOException {
    return Files.readString(stderr, StandardCharsets.UTF_8);
  }

  /** What the process wrote on stdout so far. */
  String stdout() throws IOException {
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }

  /** A reader of a stream, for callers that read stdout as it comes. */
  static BufferedReader reader(InputStream in) {
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  @Override
  public void close() throws IOException {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
