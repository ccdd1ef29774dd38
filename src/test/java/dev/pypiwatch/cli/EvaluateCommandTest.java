package dev.pypiwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.ingest.RecordedBodies;
import dev.pypiwatch.ingest.Recording;
import dev.pypiwatch.ingest.RecordingReader;
import dev.pypiwatch.rules.Evaluation;
import dev.pypiwatch.rules.RecordedDays;
import dev.pypiwatch.rules.RulesConfig;
import dev.pypiwatch.rules.Sensitivity;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pypiwatch evaluate} end to end on a recording the test writes in the record layout. */
class EvaluateCommandTest {
  private static final LocalDate FIRST = LocalDate.of(2025, 1, 1);
  private static final int DAYS = 200;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<Evaluation.Injection> DEFAULT_INJECTIONS = List.of(
      Evaluation.Injection.spike(3), Evaluation.Injection.spike(5),
      Evaluation.Injection.drop(0.5), Evaluation.Injection.drop(0.2));

  @TempDir Path dir;

  @BeforeEach
  void record() throws IOException {
    // "busy": ~10,000/day with +-3 % noise; "bumpy": the same at ~500/day with three real spikes.
    write("busy", 10_000, Set.of());
    write("bumpy", 500, Set.of(90, 140, 170));
  }

  private void write(String pkg, long level, Set<Integer> bumps) throws IOException {
    RecordedBodies.write(dir, pkg, Endpoint.OVERALL, RecordedBodies.series(pkg, Endpoint.OVERALL,
        FIRST, DAYS, Map.of(
            "with_mirrors", d -> count(d, level, bumps),
            "without_mirrors", d -> Math.round(0.98 * count(d, level, bumps)))));
  }

  private static long count(LocalDate d, long level, Set<Integer> bumps) {
    int i = (int) (d.toEpochDay() - FIRST.toEpochDay());
    double noise = 1 + 0.03 * (new Random(i).nextDouble() * 2 - 1);
    return Math.round(level * noise * (bumps.contains(i) ? 8 : 1));
  }

  private CliRun evaluate(String... args) {
    List<String> all = new ArrayList<>(List.of("evaluate", "--data", dir.toString()));
    all.addAll(List.of(args));
    return CliRun.of(all.toArray(String[]::new));
  }

  /** What the command must print for {@code pkg} at {@code level}, from the evaluation class. */
  private Evaluation.Score expected(String pkg, Sensitivity level, long seed) {
    RecordingReader reader = RecordingReader.open(new Recording(dir), "__all__");
    RecordedDays days = RecordedDays.of(pkg, reader.read(pkg, w -> { }), List.of());
    List<Evaluation.Series> windows = Evaluation.windows(days);
    List<Evaluation.Outcome> outcomes = new ArrayList<>();
    for (int i = 0; i < windows.size(); i++) {
      outcomes.add(Evaluation.measure(windows.get(i), RulesConfig.DEFAULTS.at(level),
          Evaluation.random(seed, pkg, i), DEFAULT_INJECTIONS));
    }
    return Evaluation.Score.of(DEFAULT_INJECTIONS, outcomes);
  }

  @Test
  void jsonlLinesAgreeWithTheEvaluationClass() throws IOException {
    CliRun run = evaluate("--format", "jsonl", "--seed", "7");
    assertEquals(0, run.exitCode(), run.err());
    List<JsonNode> lines = new ArrayList<>();
    for (String line : run.out().lines().toList()) {
      lines.add(JSON.readTree(line));
    }
    // 2 packages x 3 levels, then 2 tiers (busy >=1k, bumpy 100-1k) x 3 levels.
    assertEquals(2 * 3 + 2 * 3, lines.size(), run.out());
    int checked = 0;
    for (JsonNode o : lines) {
      if (!o.get("scope").asText().equals("package")) {
        continue;
      }
      String pkg = o.get("package").asText();
      Sensitivity level = Sensitivity.parse(o.get("sensitivity").asText());
      Evaluation.Score want = expected(pkg, level, 7);
      assertEquals(want.windows(), o.get("windows").asInt());
      assertEquals(want.falseEpisodes(), o.get("false-episodes").asInt(), pkg + " " + level);
      assertEquals(want.falsePer90(), o.get("false-per-90-days").asDouble(), 1e-9);
      for (int k = 0; k < DEFAULT_INJECTIONS.size(); k++) {
        JsonNode in = o.get("injections").get(k);
        Evaluation.Tally t = want.tallies().get(k);
        assertEquals(EvaluateCommand.label(t.injection()), in.get("label").asText());
        assertEquals(t.trials(), in.get("trials").asInt());
        assertEquals(t.found(), in.get("found").asInt(), pkg + " " + level + " " + t);
      }
      assertEquals(level == Sensitivity.NORMAL, o.get("configured").asBoolean());
      checked++;
    }
    assertEquals(6, checked);
    // The planted series: every injection found on the busy one, and bumpy's two real spikes in
    // its last 90 days are its false episodes at normal.
    JsonNode busyNormal = find(lines, "busy", "normal");
    busyNormal.get("injections").forEach(in -> assertEquals(1.0, in.get("recall").asDouble(), in.toString()));
    assertEquals(">=1k", busyNormal.get("tier").asText());
    JsonNode bumpyNormal = find(lines, "bumpy", "normal");
    assertEquals("100-1k", bumpyNormal.get("tier").asText());
    assertEquals(2, bumpyNormal.get("false-episodes").asInt(), bumpyNormal.toString());
    assertEquals(90, bumpyNormal.get("counted-days").asInt());
  }

  private static JsonNode find(List<JsonNode> lines, String pkg, String level) {
    return lines.stream().filter(o -> pkg.equals(o.path("package").asText())
        && level.equals(o.get("sensitivity").asText())).findFirst().orElseThrow();
  }

  @Test
  void theTableShowsTheSameNumbersAndARecommendationPerPackage() {
    CliRun run = evaluate("--package", "bumpy");
    assertEquals(0, run.exitCode(), run.err());
    Evaluation.Score normal = expected("bumpy", Sensitivity.NORMAL, 13);
    String row = run.out().lines().filter(l -> l.startsWith("bumpy ") && l.contains("normal*"))
        .findFirst().orElseThrow(() -> new AssertionError(run.out()));
    assertTrue(row.endsWith(String.format(java.util.Locale.ROOT, "%.2f", normal.falsePer90())), row);
    assertTrue(row.contains(String.format(java.util.Locale.ROOT, "%.2f",
        normal.tallies().get(0).recall())), row);
    assertTrue(run.out().lines().anyMatch(l -> l.startsWith("bumpy: recommended rules.sensitivity: ")
        || l.startsWith("bumpy: even low raises")), run.out());
    assertTrue(run.out().contains("SPIKE x3") && run.out().contains("DROP 20%"), run.out());
    assertTrue(run.err().contains("evaluate: 1 package(s), 1 window(s), seed 13"), run.err());
  }

  @Test
  void theSameSeedPrintsTheSameAndSizesAreOptions() {
    CliRun a = evaluate("--seed", "3", "--spike", "2.5", "--drop", "0.3", "--format", "jsonl");
    CliRun b = evaluate("--seed", "3", "--spike", "2.5", "--drop", "0.3", "--format", "jsonl");
    assertEquals(0, a.exitCode(), a.err());
    assertEquals(a.out(), b.out());
    assertTrue(a.out().contains("\"label\":\"spike x2.5\"") && a.out().contains("\"label\":\"drop 30%\""),
        a.out());
  }

  @Test
  void drawsAddUpTheSingleDrawsOfTheirSeedsAndCountFalseEpisodesOnce() throws IOException {
    CliRun run = evaluate("--format", "jsonl", "--seed", "7", "--draws", "3", "--package", "bumpy");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.err().contains("seed 7, 3 draw(s)"), run.err());
    List<JsonNode> lines = new ArrayList<>();
    for (String line : run.out().lines().toList()) {
      lines.add(JSON.readTree(line));
    }
    for (Sensitivity level : Sensitivity.values()) {
      JsonNode o = find(lines, "bumpy", level.label());
      List<Evaluation.Score> single = List.of(expected("bumpy", level, 7),
          expected("bumpy", level, 8), expected("bumpy", level, 9));
      assertEquals(single.get(0).windows(), o.get("windows").asInt());
      // The untouched windows are the same in every draw: their false episodes count once.
      assertEquals(single.get(0).falseEpisodes(), o.get("false-episodes").asInt());
      assertEquals(single.get(0).countedDays(), o.get("counted-days").asInt());
      for (int k = 0; k < DEFAULT_INJECTIONS.size(); k++) {
        int kk = k;
        JsonNode in = o.get("injections").get(k);
        assertEquals(single.stream().mapToInt(sc -> sc.tallies().get(kk).trials()).sum(),
            in.get("trials").asInt(), level + " " + in);
        assertEquals(single.stream().mapToInt(sc -> sc.tallies().get(kk).found()).sum(),
            in.get("found").asInt(), level + " " + in);
      }
    }
  }

  @Test
  void badInputIsExitTwoWithAMessageNamingIt() throws IOException {
    assertUsage(evaluate("--draws", "0"), "evaluate: --draws: between 1 and 100, got 0");
    assertUsage(evaluate("--spike", "0.5"), "evaluate: --spike: a spike size must be a factor > 1, got 0.5");
    assertUsage(evaluate("--drop", "2"), "evaluate: --drop: a drop size must be a factor > 0 and < 1");
    assertUsage(evaluate("--spike", "lots"), "--spike");
    assertUsage(evaluate("--format", "xml"), "expected jsonl or table, got 'xml'");
    assertUsage(evaluate("--package", "Not A Name"), "Not A Name");
    assertUsage(CliRun.of("evaluate", "--data", dir.resolve("absent").toString()), "absent");
    Path shortDir = dir.resolve("short");
    RecordedBodies.write(shortDir, "tiny", Endpoint.OVERALL, RecordedBodies.series("tiny",
        Endpoint.OVERALL, FIRST, 60, Map.of("with_mirrors", d -> 100L)));
    CliRun tiny = CliRun.of("evaluate", "--data", shortDir.toString());
    assertUsage(tiny, "no package with at least 120 days");
    assertTrue(tiny.err().contains("tiny: 60 day(s) of data, fewer than the 120"), tiny.err());
  }

  @Test
  void theConfiguredLevelIsMarkedPerPackageAndTheReferenceIsNotEvaluated() throws IOException {
    write("__all__", 1_000_000, Set.of());
    Path config = dir.resolve("pypiwatch.yaml");
    java.nio.file.Files.writeString(config, """
        watchlist:
          - busy
          - name: bumpy
            rules: {sensitivity: high}
        """);
    CliRun run = evaluate("--config", config.toString(), "--format", "jsonl");
    assertEquals(0, run.exitCode(), run.err());
    List<JsonNode> lines = new ArrayList<>();
    for (String line : run.out().lines().toList()) {
      lines.add(JSON.readTree(line));
    }
    assertTrue(lines.stream().noneMatch(o -> o.path("package").asText().equals("__all__")), run.out());
    assertTrue(find(lines, "bumpy", "high").get("configured").asBoolean());
    assertTrue(!find(lines, "bumpy", "normal").get("configured").asBoolean());
    assertTrue(find(lines, "busy", "normal").get("configured").asBoolean());
    assertTrue(run.err().contains("evaluate: 2 package(s)"), run.err());

    java.nio.file.Files.writeString(config, "rules:\n  sensitivity: extreme\n");
    assertUsage(evaluate("--config", config.toString()),
        "pypiwatch.yaml:2:16: rules.sensitivity: expected low, normal or high; got 'extreme'");
  }

  private static void assertUsage(CliRun run, String fragment) {
    assertEquals(2, run.exitCode(), run.err());
    assertEquals("", run.out());
    assertTrue(run.err().contains(fragment), "'" + fragment + "' in " + run.err());
  }
}
