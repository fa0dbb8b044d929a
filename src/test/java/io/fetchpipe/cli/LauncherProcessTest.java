package io.fetchpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fetchpipe.testing.WithEmbeddedServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code bin/fetchpipe}, the launcher, as a user runs it: in a copy of the checkout whose {@code
 * target/fetchpipe.jar} is a class-path jar over this build's classes (so no shaded jar is needed),
 * with the JDK that runs the tests. It must accept any collector, compiler or heap setting in
 * {@code JAVA_OPTS}, keep stdout for fetchpipe's output even while it records its start-up cache,
 * and keep one cache per JDK.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LauncherProcessTest extends WithEmbeddedServer {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();

  @TempDir static Path shared;
  @TempDir Path dir;

  /** The checkout, with no start-up cache until the first test (the one that checks it) runs. */
  private static Path checkout;

  @BeforeAll
  static void makeCheckout() throws IOException {
    checkout = checkoutIn(shared.resolve("checkout"));
  }

  @Test
  @Order(1)
  void theFirstRunRecordsACacheWithoutTouchingTheCommandsInputOrOutput() throws Exception {
    String urls = url("/get") + "\n" + url("/status/404") + "\n" + url("/bytes/100") + "\n";

    Run first = launcher(checkout, Map.of(), urls, "fetch", "-q", "-");

    assertEquals(0, first.status(), first.stderr());
    assertResults(first.stdout());
    List<Path> caches = cacheFiles(checkout);
    assertEquals(1, caches.size(), "one cache, for this JDK: " + caches);
    assertTrue(caches.get(0).getFileName().toString().contains(jdkRelease()), caches.toString());
    FileTime recorded = Files.getLastModifiedTime(caches.get(0));

    Run second = launcher(checkout, Map.of(), urls, "fetch", "-q", "-");

    assertEquals(0, second.status(), second.stderr());
    assertResults(second.stdout());
    assertEquals(List.of(caches.get(0)), cacheFiles(checkout), "recorded once");
    assertEquals(recorded, Files.getLastModifiedTime(caches.get(0)), "not recorded again");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-XX:+UseSerialGC", "-XX:+UseParallelGC", "-XX:+UseG1GC"})
  void aCollectorInJavaOptsReplacesTheLaunchersOwn(String collector) throws Exception {
    Run run = launcher(checkout, Map.of("JAVA_OPTS", collector), "", "--version");

    assertEquals(0, run.status(), run.stderr());
    assertEquals(expectedVersionOutput(), run.stdout());
  }

  @Test
  void heapAndCompilerSettingsInJavaOptsReplaceTheLaunchersOwn() throws Exception {
    // The launcher starts a fetch's heap at 48 MiB: above this maximum, which the JVM refuses
    // unless the launcher leaves its own heap settings out.
    Run run =
        launcher(
            checkout,
            Map.of("JAVA_OPTS", "-Xmx32m -XX:TieredStopAtLevel=4"),
            url("/get") + "\n",
            "fetch",
            "-q",
            "--body",
            "text",
            "-");

    assertEquals(0, run.status(), run.stderr());
    List<String> lines = run.stdout().lines().toList();
    assertEquals(1, lines.size(), run.stdout());
    JsonNode line = JSON.readTree(lines.get(0));
    assertEquals(200, line.get("status").asInt());
    assertEquals(url("/get"), JSON.readTree(line.get("body").asText()).get("url").asText());
  }

  @Test
  void theNewestJdkRunsAndEachJdkHasItsOwnCache() throws Exception {
    Path jdk17 = fakeJdk(dir.resolve("jdk-17"), "17.0.99", "17.0.99+7");
    Path jdk99 = fakeJdk(dir.resolve("jdk-99"), "99.0.1", "99.0.1+3");

    // JAVA_HOME is older than the java on PATH: the newest found runs (a dry run prints the
    // command without running it). FETCHPIPE_JAVA names one exactly.
    List<String> newest =
        dryRun(
            Map.of(
                "JAVA_HOME",
                jdk17.toString(),
                "PATH",
                jdk99.resolve("bin") + File.pathSeparator + System.getenv("PATH")),
            "fetch",
            "urls.txt");
    List<String> named =
        dryRun(Map.of("FETCHPIPE_JAVA", jdk17.resolve("bin/java").toString()), "fetch", "urls.txt");

    assertEquals(jdk99.resolve("bin/java").toString(), newest.get(0));
    String aotCache = option(newest, "-XX:AOTCache=");
    assertTrue(aotCache.contains("99.0.1+3"), aotCache);
    assertFalse(
        newest.stream().anyMatch(arg -> arg.startsWith("-XX:SharedArchiveFile=")),
        newest.toString());

    assertEquals(jdk17.resolve("bin/java").toString(), named.get(0));
    String archive = option(named, "-XX:SharedArchiveFile=");
    assertTrue(archive.contains("17.0.99+7"), archive);
    assertFalse(named.stream().anyMatch(arg -> arg.startsWith("-XX:AOTCache=")), named.toString());
    assertNotEquals(Path.of(aotCache).getFileName(), Path.of(archive).getFileName());
  }

  @Test
  void serveAndWorkerKeepTheJvmsOwnCompilerCollectorAndHeap() throws Exception {
    for (String command : List.of("serve", "worker")) {
      List<String> args = dryRun(Map.of("FETCHPIPE_JAVA", JAVA), command);
      assertFalse(
          args.stream()
              .anyMatch(arg -> arg.matches("-XX:\\+Use\\w+GC|-XX:TieredStopAtLevel=.*|-Xm[sx].*")),
          command + ": " + args);
    }
    List<String> fetch =
        dryRun(
            Map.of("FETCHPIPE_JAVA", JAVA, "JAVA_OPTS", "-XX:+UseParallelGC"), "fetch", "urls.txt");
    assertEquals(
        1, fetch.stream().filter(arg -> arg.matches("-XX:\\+Use\\w+GC")).count(), fetch.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.5GiB", "512MiB", "536870912"})
  void theHeapHoldsTwoBodiesOfMaxBodyWhicheverWayTheSizeIsWritten(String maxBody) throws Exception {
    List<String> args =
        dryRun(
            Map.of("FETCHPIPE_JAVA", JAVA),
            "fetch",
            "-c",
            "1",
            "--max-body",
            maxBody,
            "--body",
            "text",
            "urls.txt");
    // One request in flight holds its body as bytes and as text: 2 x 512 MiB at least, or no cap
    // at all where that would pass the JVM's own default (a quarter of the RAM).
    List<String> caps = args.stream().filter(arg -> arg.startsWith("-Xmx")).toList();
    if (!caps.isEmpty()) {
      long mebibytes = Long.parseLong(caps.get(0).replaceAll("-Xmx(\\d+)m", "$1"));
      assertTrue(mebibytes >= 1024, "--max-body " + maxBody + " --body text: " + args);
    }
  }

  @Test
  void onTwoCoresOnlyALongInputOverManyHostsGetsBothCompilers() throws Exception {
    assumeTrue(
        Runtime.getRuntime().availableProcessors() <= 2,
        "with more cores every fetch gets both compilers");
    Path crawl = urls("crawl.txt", 50_000, 1_000);
    Path shortCrawl = urls("short-crawl.txt", 49_999, 1_000);
    Path oneHost = urls("one-host.txt", 50_000, 1);
    Map<String, String> env = Map.of("FETCHPIPE_JAVA", JAVA);
    assertFalse(
        c1Only(dryRun(env, "fetch", "-c", "64", crawl.toString())), "50 000 URLs over 1 000 hosts");
    assertFalse(
        c1Only(dryRun(env, "fetch", shortCrawl.toString(), oneHost.toString())),
        "two files count together");
    assertTrue(c1Only(dryRun(env, "fetch", shortCrawl.toString())), "one URL fewer");
    assertTrue(c1Only(dryRun(env, "fetch", oneHost.toString())), "one host");
    assertTrue(
        c1Only(dryRun(env, "fetch", "-o", crawl.toString(), shortCrawl.toString())),
        "the output is no input");
    assertTrue(c1Only(dryRun(env, "fetch", "-c", "64")), "stdin is not read ahead");
  }

  private Path urls(String name, int count, int hosts) throws IOException {
    List<String> lines = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      lines.add("http://h" + (i % hosts) + ".example:8080/" + i);
    }
    return Files.write(dir.resolve(name), lines);
  }

  private static boolean c1Only(List<String> args) {
    return args.contains("-XX:TieredStopAtLevel=1");
  }

  private static void assertResults(String stdout) throws IOException {
    List<String> lines = stdout.lines().toList();
    assertEquals(3, lines.size(), "one line per URL and nothing else: " + stdout);
    List<Integer> statuses = new ArrayList<>();
    for (String line : lines) {
      statuses.add(JSON.readTree(line).get("status").asInt());
    }
    assertEquals(List.of(200, 404, 200), statuses);
  }

  private List<String> dryRun(Map<String, String> env, String... args) throws Exception {
    Map<String, String> withDryRun = new HashMap<>(env);
    withDryRun.put("FETCHPIPE_DRY_RUN", "1");
    Run run = launcher(checkout, withDryRun, "", args);
    assertEquals(0, run.status(), run.stderr());
    return run.stdout().lines().toList();
  }

  private static String option(List<String> args, String prefix) {
    return args.stream()
        .filter(arg -> arg.startsWith(prefix))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + prefix + " in " + args))
        .substring(prefix.length());
  }

  /** What {@code fetchpipe --version} prints, from the command line in this JVM. */
  private static String expectedVersionOutput() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    Main.run(new String[] {"--version"}, new ByteArrayInputStream(new byte[0]), print, print);
    return out.toString(StandardCharsets.UTF_8);
  }

  private record Run(int status, String stdout, String stderr) {}

  /**
   * Runs {@code bin/fetchpipe args} of {@code root} with {@code stdin} as its input, with the JDK
   * of the tests unless {@code env} says otherwise, and no JAVA_OPTS but {@code env}'s.
   */
  private Run launcher(Path root, Map<String, String> env, String stdin, String... args)
      throws Exception {
    List<String> command =
        new ArrayList<>(List.of("bash", root.resolve("bin/fetchpipe").toString()));
    command.addAll(List.of(args));
    Path in = Files.writeString(Files.createTempFile(dir, "stdin", ".txt"), stdin);
    Path out = Files.createTempFile(dir, "stdout", ".txt");
    Path err = Files.createTempFile(dir, "stderr", ".txt");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectInput(in.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    Map<String, String> environment = builder.environment();
    environment
        .keySet()
        .removeAll(List.of("JAVA_OPTS", "JAVA_HOME", "FETCHPIPE_JAVA", "FETCHPIPE_DRY_RUN"));
    if (!env.containsKey("JAVA_HOME")) {
      environment.put("FETCHPIPE_JAVA", JAVA);
    }
    environment.putAll(env);
    Process process = builder.start();
    try {
      // Bounded; the first run in a checkout also records its start-up cache.
      assertTrue(
          process.waitFor(240, TimeUnit.SECONDS),
          "the launcher should finish: " + Files.readString(err));
    } finally {
      process.destroyForcibly();
    }
    return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** The release of the JDK running the tests, as its {@code release} file names it. */
  private static String jdkRelease() throws IOException {
    Path release = Path.of(System.getProperty("java.home"), "release");
    for (String line : Files.readAllLines(release)) {
      if (line.startsWith("JAVA_RUNTIME_VERSION=")) {
        return line.substring("JAVA_RUNTIME_VERSION=".length()).replace("\"", "");
      }
    }
    throw new AssertionError("no JAVA_RUNTIME_VERSION in " + release);
  }

  private static List<Path> cacheFiles(Path root) throws IOException {
    try (Stream<Path> files = Files.list(root.resolve("target/jvm-cache"))) {
      return files.filter(file -> file.toString().matches(".*\\.(aot|jsa)")).sorted().toList();
    }
  }

  /** A JDK home that only a dry run can use: a release file and a bin/java that is never run. */
  private static Path fakeJdk(Path home, String version, String runtimeVersion) throws IOException {
    Files.createDirectories(home.resolve("bin"));
    Files.writeString(
        home.resolve("release"),
        "JAVA_VERSION=\"" + version + "\"\nJAVA_RUNTIME_VERSION=\"" + runtimeVersion + "\"\n");
    Path java = Files.writeString(home.resolve("bin/java"), "#!/bin/sh\nexit 99\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    return home;
  }

  /**
   * A copy of the checkout's launcher with a {@code target/fetchpipe.jar} that runs this build's
   * classes: a jar holding only a manifest whose Class-Path names the test class path (its
   * directories packed into jars, which class-data sharing requires).
   */
  private static Path checkoutIn(Path root) throws IOException {
    Path bin = Files.createDirectories(root.resolve("bin"));
    Path launcher =
        Files.copy(
            Path.of("bin", "fetchpipe"),
            bin.resolve("fetchpipe"),
            StandardCopyOption.REPLACE_EXISTING);
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path lib = Files.createDirectories(root.resolve("target/lib"));
    List<String> classPath = new ArrayList<>();
    int packed = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry).toAbsolutePath();
      if (Files.isDirectory(path)) {
        path = packDirectory(path, lib.resolve("dir-" + packed++ + ".jar"));
      }
      classPath.add(path.toUri().toString());
    }
    Manifest manifest = new Manifest();
    Attributes attributes = manifest.getMainAttributes();
    attributes.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    attributes.put(Attributes.Name.MAIN_CLASS, Main.class.getName());
    attributes.put(Attributes.Name.CLASS_PATH, String.join(" ", classPath));
    try (OutputStream file = Files.newOutputStream(root.resolve("target/fetchpipe.jar"));
        JarOutputStream jar = new JarOutputStream(file, manifest)) {
      // nothing but the manifest
    }
    return root;
  }

  private static Path packDirectory(Path directory, Path jarFile) throws IOException {
    try (OutputStream file = Files.newOutputStream(jarFile);
        JarOutputStream jar = new JarOutputStream(file);
        Stream<Path> files = Files.walk(directory)) {
      for (Path path : files.filter(Files::isRegularFile).sorted().toList()) {
        jar.putNextEntry(
            new JarEntry(directory.relativize(path).toString().replace(File.separatorChar, '/')));
        Files.copy(path, jar);
        jar.closeEntry();
      }
    }
    return jarFile;
  }
}
