package dev.pypiwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.TextFormat;
import dev.pypiwatch.events.AlertCodec;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.ingest.RecordedBodies;
import dev.pypiwatch.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pypiwatch backtest} end to end, in-process. Tests that go through the rule engine do not
 * depend on what it detects (it is developed elsewhere): they check exit codes, the output formats
 * and that the counts agree; only {@link #backtestReportsAnObviousSpike} asserts a detection.
 */
class BacktestCommandTest {
  private static final Pattern SUMMARY = Pattern.compile(
      "backtest: (\\d+) package\\(s\\), (\\d+) day\\(s\\), (\\d+) record\\(s\\), (\\d+) alert\\(s\\), [0-9.]+ s");
  private static final LocalDate FIRST = LocalDate.of(2026, 1, 1);

  @TempDir Path dir;

  private void copyFixture(String fixture, String pkg, Endpoint endpoint) throws IOException {
    RecordedBodies.write(dir, pkg, endpoint, Fixtures.text(fixture));
  }

  private void writeAllPipEndpointsAndLlm() throws IOException {
    copyFixture("llm_system.json", "llm", Endpoint.SYSTEM);
    copyFixture("pip_overall_2018-11-01_2018-11-02_excerpt.json", "pip", Endpoint.OVERALL);
    copyFixture("pip_python_major_2018-11-01.json", "pip", Endpoint.PYTHON_MAJOR);
    copyFixture("pip_python_minor_2018-11-01.json", "pip", Endpoint.PYTHON_MINOR);
    copyFixture("pip_recent.json", "pip", Endpoint.RECENT);
  }

  private CliRun backtest(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "backtest";
    all[1] = "--data";
    all[2] = dir.toString();
    System.arraycopy(args, 0, all, 3, args.length);
    return CliRun.of(all);
  }

  /** The numbers of the summary line: packages, days, records, alerts. */
  private static long[] summary(CliRun run) {
    Matcher m = SUMMARY.matcher(run.err());
    assertTrue(m.find(), run.err());
    return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
        Long.parseLong(m.group(4))};
  }

  /** Every stdout line is one alert JSON; returns the alerts. */
  private static List<Alert> alerts(CliRun run) {
    return run.out().lines()
        .map(line -> AlertCodec.decode(line.getBytes(StandardCharsets.UTF_8))).toList();
  }

  private static void assertUsageError(CliRun run, String... fragments) {
    assertEquals(2, run.exitCode(), run.err());
    assertEquals("", run.out());
    for (String f : fragments) {
      assertTrue(run.err().contains(f), "'" + f + "' in " + run.err());
    }
  }

  // --- real fixtures -------------------------------------------------------------------------

  @Test
  void realFixturesWithAllEndpoints() throws IOException {
    writeAllPipEndpointsAndLlm();
    CliRun run = backtest();
    assertEquals(0, run.exitCode(), run.err());
    long[] s = summary(run);
    assertEquals(2, s[0]);
    assertTrue(s[1] >= 180, "llm's system series covers about 180 days: " + s[1]);
    assertTrue(s[2] > 800, "records: " + s[2]);
    assertEquals(s[3], alerts(run).size());
    assertTrue(run.err().contains("backtest: [2/2] packages read"), run.err());
  }

  @Test
  void packageWithOnlyOverall() throws IOException {
    copyFixture("pip_overall_2018-11-01_2018-11-02_excerpt.json", "pip", Endpoint.OVERALL);
    CliRun run = backtest();
    assertEquals(0, run.exitCode(), run.err());
    long[] s = summary(run);
    assertEquals(1, s[0]);
    assertEquals(2, s[1]);
    assertEquals(2, s[2]);
    assertEquals(s[3], alerts(run).size());
  }

  @Test
  void emptyDataBodyIsNoDataNotAnError() throws IOException {
    copyFixture("sugar_python_major_empty.json", "sugar", Endpoint.PYTHON_MAJOR);
    copyFixture("pip_overall_2018-11-01_2018-11-02_excerpt.json", "pip", Endpoint.OVERALL);
    CliRun run = backtest();
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.err().contains("sugar: no daily data"), run.err());
    assertEquals(1, summary(run)[0]);
  }

  @Test
  void stdoutHasOnlyAlertJsonLinesAndStderrTheProgress() throws IOException {
    writeAllPipEndpointsAndLlm();
    writeFlatWithSpike("flat", FIRST.plusDays(60)); // something the engine may alert on
    RecordedBodies.writeFile(dir, "pip", "notes.txt", "not an endpoint");
    CliRun run = backtest("--format", "jsonl");
    assertEquals(0, run.exitCode(), run.err());
    List<Alert> alerts = alerts(run); // throws if any line is not an alert
    assertEquals(summary(run)[3], alerts.size());
    assertTrue(alerts.stream().allMatch(a -> !a.packageName().isEmpty() && !a.summary().isEmpty()));
    assertTrue(run.err().contains("[3/3] packages read"), run.err());
    assertTrue(run.err().contains("notes.txt: not a recorded endpoint"), run.err());
    assertTrue(run.out().isEmpty() || run.out().endsWith("\n"));
  }

  @Test
  void tableFormatHasAHeaderAndOneLinePerAlert() throws IOException {
    writeFlatWithSpike("flat", FIRST.plusDays(60));
    CliRun run = backtest("--format", "table");
    assertEquals(0, run.exitCode(), run.err());
    List<String> lines = run.out().lines().toList();
    assertTrue(lines.get(0).matches("DATE +PACKAGE +RULE +SERIES +CATEGORY +STATE +SEVERITY +OBSERVED +EXPECTED "
        + "+SCORE +SUMMARY +WHY"), lines.get(0));
    assertEquals(summary(run)[3] + 1, lines.size());
    String spike = lines.stream().filter(l -> l.contains(" spike ") && l.contains(" firing ")).findFirst().orElseThrow();
    assertTrue(spike.contains("Unusual: ") && spike.contains("Day: " + TextFormat.weekday(FIRST.plusDays(60))), spike);
  }

  @Test
  void fromAndToFilterThePrintedAlertsOnly() throws IOException {
    writeFlatWithSpike("flat", FIRST.plusDays(60));
    CliRun all = backtest();
    CliRun none = backtest("--from", "2020-01-01", "--to", "2020-01-31");
    assertEquals(0, none.exitCode(), none.err());
    assertEquals("", none.out());
    assertEquals(summary(all)[2], summary(none)[2], "every record is still replayed");
    CliRun window = backtest("--from", FIRST.plusDays(60).toString(), "--to", FIRST.plusDays(60).toString());
    assertTrue(alerts(window).stream().allMatch(a -> a.date().equals(FIRST.plusDays(60))));
  }

  // --- bad input ------------------------------------------------------------------------------

  @Test
  void malformedJsonNamesTheFile() throws IOException {
    copyFixture("llm_system.json", "llm", Endpoint.SYSTEM);
    Path bad = RecordedBodies.write(dir, "pip", Endpoint.OVERALL, "{\"data\": [{\"category\": ");
    assertUsageError(backtest(), bad.toString(), "truncated");
  }

  @Test
  void wrongTypesNameTheFileAndTheJsonPath() throws IOException {
    Path bad = RecordedBodies.write(dir, "pip", Endpoint.OVERALL,
        "{\"data\":[{\"category\":\"with_mirrors\",\"date\":\"2026-01-01\",\"downloads\":\"12\"}]}");
    assertUsageError(backtest(), bad.toString(), "data[0].downloads");
  }

  @Test
  void missingDirectoryOrAFile() throws IOException {
    assertUsageError(CliRun.of("backtest", "--data", dir.resolve("nope").toString()), "nope", "no such directory");
    Path file = Files.writeString(dir.resolve("file.json"), "{}");
    assertUsageError(CliRun.of("backtest", "--data", file.toString()), "not a directory");
    assertUsageError(backtest(), "no package directory");
  }

  @Test
  void packageDirectoryWithoutRecognizedFiles() throws IOException {
    RecordedBodies.writeFile(dir, "pip", "overall.txt", "{}");
    assertUsageError(backtest(), dir.resolve("pip").toString(), "no recorded endpoint file");
  }

  @Test
  void packageOptionSelectsAndChecksPackages() throws IOException {
    writeAllPipEndpointsAndLlm();
    CliRun run = backtest("--package", "LLM");
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(1, summary(run)[0]);
    assertUsageError(backtest("--package", "numpy"), dir.resolve("numpy").toString(), "no such package directory");
    assertUsageError(backtest("--package", "-bad-"), "invalid package name");
  }

  @Test
  void datesAreValidated() throws IOException {
    copyFixture("pip_overall_2018-11-01_2018-11-02_excerpt.json", "pip", Endpoint.OVERALL);
    assertUsageError(backtest("--from", "2026-04-02", "--to", "2026-04-01"), "--from 2026-04-02 is after --to 2026-04-01");
    assertUsageError(backtest("--from", "1.4.2026"), "--from", "expected a date YYYY-MM-DD, got '1.4.2026'");
    assertUsageError(backtest("--format", "xml"), "expected jsonl or table");
  }

  @Test
  void invalidConfigIsReported() throws IOException {
    copyFixture("pip_overall_2018-11-01_2018-11-02_excerpt.json", "pip", Endpoint.OVERALL);
    Path config = Files.writeString(dir.resolve("bad.yaml"), "api:\n  no-such-key: 1\n");
    assertUsageError(backtest("--config", config.toString()), "bad.yaml", "no-such-key");
  }

  @Test
  void aConfigWhoseNotificationSecretsAreUnsetIsEnoughForABacktest() throws IOException {
    // backtest sends nothing: it must not ask for SLACK_WEBHOOK_URL (run and check-config do).
    copyFixture("pip_overall_2018-11-01_2018-11-02_excerpt.json", "pip", Endpoint.OVERALL);
    String yaml = "notify:\n  receivers:\n    - name: team\n      slack: {webhook-url: \"${PYPIWATCH_TEST_UNSET_HOOK}\"}\n"
        + "  default-receivers: [team]\nwatchlist: [pip]\n";
    Path config = Files.writeString(dir.resolve("with-slack.yaml"), yaml);
    CliRun run = backtest("--config", config.toString());
    assertEquals(0, run.exitCode(), run.err());
    CliRun check = CliRun.of("check-config", config.toString());
    assertEquals(2, check.exitCode(), "check-config still reads the notify section");
    assertTrue(check.err().contains("PYPIWATCH_TEST_UNSET_HOOK is not set"), check.err());
  }

  // --- detection (needs the rule engine) ------------------------------------------------------

  @Test
  void backtestReportsAnObviousSpike() throws IOException {
    LocalDate spike = FIRST.plusDays(60);
    writeFlatWithSpike("flat", spike);
    CliRun run = backtest();
    assertEquals(0, run.exitCode(), run.err());
    List<Alert> firingSpikes = alerts(run).stream()
        .filter(a -> a.rule().equals("spike") && a.state() == AlertState.FIRING).toList();
    assertEquals(1, firingSpikes.size(), run.out());
    assertEquals(spike, firingSpikes.get(0).date());
    assertEquals("flat", firingSpikes.get(0).packageName());
  }

  /** 10 weeks of overall without_mirrors at 10,000/day, with 100,000 on {@code spike}. */
  private void writeFlatWithSpike(String pkg, LocalDate spike) throws IOException {
    RecordedBodies.write(dir, pkg, Endpoint.OVERALL, RecordedBodies.series(pkg, Endpoint.OVERALL, FIRST, 70,
        Map.of("without_mirrors", d -> d.equals(spike) ? 100_000 : 10_000)));
  }
}
