package dev.pypiwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The floor plan, enforced: which package of {@code src/main} may use which (the graph drawn in
 * the README's "Layout" section), no package cycle, and the pure packages free of Vert.x, Kafka and
 * I/O. Reads the import lines (and fully qualified names in code) as text.
 */
class LayeringTest {
  private static final Path MAIN = Path.of("src/main/java/dev/pypiwatch");
  private static final String BASE = "dev.pypiwatch";
  private static final String ROOT = "(root)";

  /**
   * The allowed graph, written once: a package may use the packages listed for it and no other.
   * Ground floor first; every package of src/main must be here, so a new one is placed on purpose.
   */
  static final Map<String, Set<String>> ALLOWED = new TreeMap<>(Map.ofEntries(
      // the ground floor: event and alert types, codecs, ids, wording / retry policy, User-Agent
      Map.entry("events", Set.of()),
      Map.entry("outbound", Set.of()),
      // pure detection; Kafka plumbing (with its own settings)
      Map.entry("rules", Set.of("events")),
      Map.entry("kafka", Set.of("events", "outbound")),
      // the local PyPI Stats API (pypiwatch simulate): the upstream's behaviour, served over HTTP
      Map.entry("simulate", Set.of("events")),
      // the binder of YAML into each stage's settings
      Map.entry("config", Set.of("events", "rules", "kafka", "outbound")),
      // the upstream client
      Map.entry("api", Set.of("events", "config", "outbound")),
      // the stages' shells
      Map.entry("ingest", Set.of("api", "events", "kafka", "config", "outbound")),
      Map.entry("rules.stream", Set.of("rules", "events", "kafka")),
      Map.entry("notify", Set.of("events", "config", "outbound")),
      Map.entry("notify.stream", Set.of("notify", "events", "kafka", "config")),
      Map.entry("http", Set.of("ingest", "config", "events", "kafka")),
      // the composition: the service wires every stage; the commands start it or a tool
      Map.entry(ROOT, Set.of("api", "config", "events", "http", "ingest", "kafka", "notify",
          "notify.stream", "outbound", "rules", "rules.stream")),
      Map.entry("cli", Set.of(ROOT, "api", "config", "events", "ingest", "kafka", "outbound", "rules",
          "simulate"))));

  private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+);", Pattern.MULTILINE);
  private static final Pattern OWN_NAME = Pattern.compile("\\bdev\\.pypiwatch((?:\\.[a-z]\\w*)*)\\.[A-Z]");
  private static final Pattern COMMENTS = Pattern.compile("//[^\\n]*|/\\*.*?\\*/", Pattern.DOTALL);
  // Possessive: a group repeated per character recurses per character in java.util.regex, and a
  // long text block overflowed the test's stack now and then.
  private static final Pattern STRINGS = Pattern.compile("\"(?:\\\\.|[^\"\\\\])*+\"");

  @Test
  void everyPackageIsOnTheFloorPlan() {
    Set<String> unplaced = new TreeSet<>(sources().keySet());
    unplaced.removeAll(ALLOWED.keySet());
    assertEquals(Set.of(), unplaced, "packages missing from LayeringTest.ALLOWED (and the README's drawing)");
  }

  @Test
  void packagesUseOnlyWhatTheFloorPlanAllows() {
    List<String> violations = new ArrayList<>();
    edges().forEach((from, uses) -> uses.forEach((to, where) -> {
      if (!ALLOWED.getOrDefault(from, Set.of()).contains(to)) {
        violations.add(from + " -> " + to + " (" + where + ")");
      }
    }));
    assertEquals(List.of(), violations);
  }

  @Test
  void noPackageCycle() {
    Map<String, Set<String>> actual = new TreeMap<>();
    edges().forEach((from, uses) -> actual.put(from, uses.keySet()));
    assertEquals(List.of(), cycle(actual), "a cycle among the packages of src/main");
    assertEquals(List.of(), cycle(ALLOWED), "the floor plan itself has a cycle");
  }

  @Test
  void aCycleIsFound() {
    // The check above could never fail if cycle() found nothing: a known cycle must be reported.
    assertEquals(List.of("a", "b", "c", "a"), cycle(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"))));
    assertTrue(cycle(Map.of("a", Set.of("b"), "b", Set.of())).isEmpty());
  }

  @ParameterizedTest
  @CsvSource({
    // package or file, forbidden import prefixes (|-separated)
    "events, io.vertx.|org.apache.kafka.|java.net.|java.nio.file.|java.io.File",
    "rules, io.vertx.|org.apache.kafka.|java.net.|java.nio.file.|java.io.File",
    "outbound, io.vertx.|org.apache.kafka.",
    "ingest/PollPlanner.java, io.vertx.|org.apache.kafka.",
    // The notifier's decisions and state are pure; the channels talk HTTP/SMTP, notify/stream is the Kafka shell.
    "notify/Router.java, io.vertx.|org.apache.kafka.",
    "notify/Outbox.java, io.vertx.|org.apache.kafka.",
    "notify/SentLog.java, io.vertx.|org.apache.kafka.",
    "notify/SentRecord.java, io.vertx.|org.apache.kafka.",
    "notify/RecentSeriesStore.java, io.vertx.|org.apache.kafka.",
    "notify/FiringAlerts.java, io.vertx.|org.apache.kafka.",
    "notify/NotifyMetrics.java, io.vertx.|org.apache.kafka.",
    "notify/NotificationCodec.java, io.vertx.|org.apache.kafka.",
    // The simulated upstream is pure (a function of seed, package and date); only the server and
    // the recorded mode do I/O.
    "simulate/SimulatedUpstream.java, io.vertx.|org.apache.kafka.|java.net.|java.nio.file.|java.io.File",
    "simulate/SimulatedPackage.java, io.vertx.|org.apache.kafka.|java.net.|java.nio.file.|java.io.File",
    "simulate/SimulatedDay.java, io.vertx.|org.apache.kafka.|java.net.|java.nio.file.|java.io.File",
    "simulate/SyntheticPackages.java, io.vertx.|org.apache.kafka.|java.net.|java.nio.file.|java.io.File",
    "simulate/Bodies.java, io.vertx.|org.apache.kafka.|java.net.|java.nio.file.|java.io.File",
  })
  void pureCodeImportsNoFrameworkOrIo(String where, String forbidden) throws IOException {
    List<String> prefixes = List.of(forbidden.split("\\|"));
    Path root = MAIN.resolve(where);
    List<String> violations;
    // depth 1: a package's own files (rules/stream is the rules' Kafka shell, not the pure core)
    try (Stream<Path> files = Files.isDirectory(root) ? Files.walk(root, 1) : Stream.of(root)) {
      violations = files.filter(f -> f.toString().endsWith(".java"))
          .flatMap(f -> imports(read(f)).stream()
              .filter(i -> prefixes.stream().anyMatch(i::startsWith))
              .map(i -> f.getFileName() + ": " + i))
          .toList();
    }
    assertEquals(List.of(), violations);
  }

  /** Package -> package it uses -> the first file that does, from the sources. */
  private static Map<String, Map<String, String>> edges() {
    Map<String, Map<String, String>> edges = new TreeMap<>();
    sources().forEach((pkg, files) -> {
      for (Path f : files) {
        String text = read(f);
        Set<String> used = new TreeSet<>();
        for (String i : imports(text)) {
          ownPackage(i + ".X").ifPresent(used::add); // an import names a class or a member of one
        }
        String code = STRINGS.matcher(COMMENTS.matcher(text).replaceAll(" ")).replaceAll("\"\"");
        Matcher m = OWN_NAME.matcher(code.replaceAll("(?m)^(import|package) .*$", ""));
        while (m.find()) {
          used.add(m.group(1).isEmpty() ? ROOT : m.group(1).substring(1));
        }
        used.remove(pkg);
        used.forEach(u -> edges.computeIfAbsent(pkg, k -> new TreeMap<>()).putIfAbsent(u, f.getFileName().toString()));
      }
    });
    return edges;
  }

  /** The package (below dev.pypiwatch) of a fully qualified class name or member, if it is ours. */
  private static java.util.Optional<String> ownPackage(String name) {
    Matcher m = OWN_NAME.matcher(name);
    if (!name.startsWith(BASE + ".") || !m.lookingAt()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(m.group(1).isEmpty() ? ROOT : m.group(1).substring(1));
  }

  /** Package -> its source files. */
  private static Map<String, List<Path>> sources() {
    Map<String, List<Path>> byPackage = new TreeMap<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
        String rel = MAIN.relativize(f.getParent()).toString().replace('/', '.');
        byPackage.computeIfAbsent(rel.isEmpty() ? ROOT : rel, k -> new ArrayList<>()).add(f);
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return byPackage;
  }

  /** A cycle of {@code graph} as its nodes with the first repeated at the end, or empty. */
  static List<String> cycle(Map<String, Set<String>> graph) {
    Map<String, Integer> state = new TreeMap<>(); // 1 = on the path, 2 = done
    for (String start : new TreeSet<>(graph.keySet())) {
      List<String> path = new ArrayList<>();
      List<String> found = visit(start, graph, state, path);
      if (!found.isEmpty()) {
        return found;
      }
    }
    return List.of();
  }

  private static List<String> visit(String node, Map<String, Set<String>> graph, Map<String, Integer> state,
      List<String> path) {
    Integer s = state.get(node);
    if (s != null && s == 2) {
      return List.of();
    }
    if (s != null && s == 1) {
      List<String> c = new ArrayList<>(path.subList(path.indexOf(node), path.size()));
      c.add(node);
      return c;
    }
    state.put(node, 1);
    path.add(node);
    for (String next : new TreeSet<>(graph.getOrDefault(node, Set.of()))) {
      List<String> found = visit(next, graph, state, path);
      if (!found.isEmpty()) {
        return found;
      }
    }
    path.remove(path.size() - 1);
    state.put(node, 2);
    return List.of();
  }

  private static List<String> imports(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = IMPORT.matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
