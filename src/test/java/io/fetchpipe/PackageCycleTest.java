package io.fetchpipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * fetchpipe's packages depend on each other without a cycle, as the JDK's {@code jdeps} reads the
 * compiled classes. A package's {@code internal} subpackage is its implementation, behind it: the
 * two count as one part (a facade calls its engine, the engine returns the facade's types), so the
 * parts checked are the public packages, each with its internals, and the applications ({@code
 * cli}, {@code demo}). Any other package is a part of its own: {@code http.server} is not {@code
 * http}.
 */
class PackageCycleTest {
  private static final String ROOT = "io.fetchpipe";

  /** A class-level line of {@code jdeps -verbose:class}: from, to, and where "to" was found. */
  private static final Pattern DEPENDENCY =
      Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s+\\S+.*$");

  @Test
  void fetchpipesPackagesFormNoCycle() throws Exception {
    Map<String, Map<String, Set<String>>> graph =
        partGraph(
            Path.of(InternalApi.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
    assertTrue(
        graph.containsKey(ROOT + ".core") && graph.containsKey(ROOT + ".cli"),
        "read the parts: " + graph.keySet());

    List<String> cycle = cycleIn(graph);
    assertEquals(
        List.of(), cycle, "a cycle among fetchpipe's packages:\n" + describe(cycle, graph));
  }

  @Test
  void theCheckFindsACycleAndNamesIt() {
    Map<String, Map<String, Set<String>>> graph = new TreeMap<>();
    edge(graph, "a", "b", "a.A -> b.B");
    edge(graph, "b", "c", "b.B -> c.C");
    edge(graph, "c", "a", "c.C -> a.A");
    edge(graph, "c", "d", "c.C -> d.D");

    assertEquals(List.of("a", "b", "c", "a"), cycleIn(graph));
    graph.get("c").remove("a");
    assertEquals(List.of(), cycleIn(graph));
  }

  @Test
  void aPackagesInternalsArePartOfIt() {
    assertEquals("io.fetchpipe.http", partOf("io.fetchpipe.http.internal"));
    assertEquals("io.fetchpipe.cluster", partOf("io.fetchpipe.cluster.internal"));
    assertEquals("io.fetchpipe.http.server", partOf("io.fetchpipe.http.server"));
    assertEquals("io.fetchpipe", partOf("io.fetchpipe"));
  }

  /** Part to part, each edge with the class dependencies that make it. */
  private static Map<String, Map<String, Set<String>>> partGraph(Path classes) {
    ToolProvider jdeps =
        ToolProvider.findFirst("jdeps")
            .orElseThrow(() -> new AssertionError("no jdeps in this JDK"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        jdeps.run(
            new PrintWriter(out),
            new PrintWriter(err),
            "-verbose:class",
            "-e",
            "io\\.fetchpipe\\..*",
            classes.toString());
    assertEquals(0, status, "jdeps failed: " + err);
    Map<String, Map<String, Set<String>>> graph = new TreeMap<>();
    for (String line : out.toString().split("\\R")) {
      Matcher matcher = DEPENDENCY.matcher(line);
      if (matcher.matches()
          && matcher.group(1).startsWith(ROOT + ".")
          && matcher.group(2).startsWith(ROOT + ".")) {
        String from = partOf(packageOf(matcher.group(1)));
        String to = partOf(packageOf(matcher.group(2)));
        graph.computeIfAbsent(to, part -> new TreeMap<>());
        if (!from.equals(to)) {
          edge(graph, from, to, matcher.group(1) + " -> " + matcher.group(2));
        } else {
          graph.computeIfAbsent(from, part -> new TreeMap<>());
        }
      }
    }
    return graph;
  }

  private static void edge(
      Map<String, Map<String, Set<String>>> graph, String from, String to, String because) {
    graph
        .computeIfAbsent(from, part -> new TreeMap<>())
        .computeIfAbsent(to, part -> new TreeSet<>())
        .add(because);
    graph.computeIfAbsent(to, part -> new TreeMap<>());
  }

  /** The package up to its first {@code internal} segment: the part whose implementation it is. */
  static String partOf(String packageName) {
    int internal = (packageName + ".").indexOf(".internal.");
    return internal < 0 ? packageName : packageName.substring(0, internal);
  }

  private static String packageOf(String className) {
    String outer =
        className.contains("$") ? className.substring(0, className.indexOf('$')) : className;
    return outer.substring(0, outer.lastIndexOf('.'));
  }

  /** A cycle as the parts along it, the first repeated at the end; empty when there is none. */
  static List<String> cycleIn(Map<String, Map<String, Set<String>>> graph) {
    Map<String, Integer> state = new TreeMap<>(); // absent: unvisited, 1: on the path, 2: done
    for (String start : graph.keySet()) {
      List<String> path = new ArrayList<>();
      List<String> cycle = visit(start, graph, state, path);
      if (!cycle.isEmpty()) {
        return cycle;
      }
    }
    return List.of();
  }

  private static List<String> visit(
      String part,
      Map<String, Map<String, Set<String>>> graph,
      Map<String, Integer> state,
      List<String> path) {
    Integer seen = state.get(part);
    if (seen != null && seen == 1) {
      List<String> cycle = new ArrayList<>(path.subList(path.indexOf(part), path.size()));
      cycle.add(part);
      return cycle;
    }
    if (seen != null) {
      return List.of();
    }
    state.put(part, 1);
    path.add(part);
    for (String next : graph.getOrDefault(part, Map.of()).keySet()) {
      List<String> cycle = visit(next, graph, state, path);
      if (!cycle.isEmpty()) {
        return cycle;
      }
    }
    path.remove(path.size() - 1);
    state.put(part, 2);
    return List.of();
  }

  /** Each step of {@code cycle} with the class dependencies behind it (the first few). */
  private static String describe(List<String> cycle, Map<String, Map<String, Set<String>>> graph) {
    StringBuilder text = new StringBuilder(String.join(" -> ", cycle));
    for (int i = 0; i + 1 < cycle.size(); i++) {
      Set<String> because = graph.get(cycle.get(i)).get(cycle.get(i + 1));
      text.append("\n  ").append(cycle.get(i)).append(" -> ").append(cycle.get(i + 1)).append(":");
      because.stream().limit(5).forEach(dependency -> text.append("\n    ").append(dependency));
      if (because.size() > 5) {
        text.append("\n    (").append(because.size() - 5).append(" more)");
      }
    }
    return text.toString();
  }
}
