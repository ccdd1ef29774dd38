package dev.pypiwatch.rules;

import static dev.pypiwatch.rules.RulesTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.Severity;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.IntToLongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RuleEngineTest {
  private static final RulesConfig DEFAULTS = RulesConfig.DEFAULTS;

  static Stream<Arguments> fixtures() {
    return Stream.of(
        Arguments.of("FLAT_WEEKLY_20K", FLAT_WEEKLY_20K, List.of()),
        Arguments.of("CONSTANT_5K", CONSTANT_5K, List.of()),
        Arguments.of("TINY_3_TO_12", TINY_3_TO_12, List.of()),
        Arguments.of("SPIKE_X3_ON_FRIDAY", SPIKE_X3_ON_FRIDAY, List.of("spike@100")),
        // The fourth low day's window is at 0.619 (> 0.60): it fires on the fifth.
        Arguments.of("WEEK_AT_HALF", WEEK_AT_HALF, List.of("drop@" + (HALF_FROM + 4))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void firesExactlyTheExpectedAlerts(String name, IntToLongFunction f, List<String> expected) {
    List<String> got = firing(evaluate(DEFAULTS, overall(f))).stream()
        .filter(a -> !a.rule().equals("milestone"))
        .map(a -> a.rule() + "@" + (a.date().toEpochDay() - START.toEpochDay())).toList();
    assertEquals(expected, got);
  }

  @Test
  void spikeCarriesHandCheckedEvidence() {
    Alert a = firing(evaluate(DEFAULTS, overall(SPIKE_X3_ON_FRIDAY))).get(0);
    assertEquals("spike:pip:overall:without_mirrors", a.fingerprint());
    assertEquals(60_000, a.observed(), ALLOWED_ERROR);
    assertEquals(20_000, a.expected(), ALLOWED_ERROR);
    assertEquals(SPIKE_X3_SCORE, a.score(), ALLOWED_ERROR);
    assertEquals(Severity.CRITICAL, a.severity()); // >= 2 z
    assertEquals("pip: downloads spiked to 60,000 on 2026-04-03 (Fri), 3.0x the usual Friday "
        + "(20,000)", a.summary());
    assertEquals(Alert.linkOf("pip"), a.link());
  }

  @Test
  void spikesAndDropsTheEcosystemReferenceShowsTooAreNotReported() {
    for (IntToLongFunction f : List.of(SPIKE_X3_ON_FRIDAY, WEEK_AT_HALF)) {
      List<DownloadRecord> records = new java.util.ArrayList<>(overall(f));
      overall(f).forEach(r -> records.add(new DownloadRecord("__all__", r.endpoint(),
          r.category(), r.date(), r.downloads() * 1000)));
      List<Alert> got = firing(evaluate(DEFAULTS, records)).stream()
          .filter(a -> !a.rule().equals("milestone")).toList();
      assertEquals(List.of(), got);
    }
  }

  @Test
  void spikeResolvesTheNextDayOnce() {
    List<Alert> all = evaluate(DEFAULTS, overall(SPIKE_X3_ON_FRIDAY));
    List<Alert> spike = all.stream().filter(a -> a.rule().equals("spike")).toList();
    assertEquals(List.of(AlertState.FIRING, AlertState.RESOLVED),
        spike.stream().map(Alert::state).toList());
    assertEquals(START.plusDays(FRIDAY + 1), spike.get(1).date());
  }

  @Test
  void dropCarriesHandCheckedScoreAndLastsOneEpisode() {
    List<Alert> drop = evaluate(DEFAULTS, overall(WEEK_AT_HALF)).stream()
        .filter(a -> a.rule().equals("drop")).toList();
    assertEquals(2, drop.size(), drop.toString());
    // Five days at half (three weekdays, two weekend days) over the noise floor 0.10.
    double allHalf = -(3 * Math.log(10_001.0 / 20_001.0) + 2 * Math.log(6_001.0 / 12_001.0)) / 5
        * Math.sqrt(5) / 0.10;
    assertEquals(allHalf, drop.get(0).score(), ALLOWED_ERROR);
    assertEquals(AlertState.RESOLVED, drop.get(1).state());
  }

  @Test
  void aHolidayTroughIsNoDropButADeeperFallOrOneOnOrdinaryDaysIs() {
    // Days 99-105 are Thursday 2026-04-02 to Wednesday 2026-04-08: Good Friday to Easter Monday.
    // On a holiday the expectation is at most the weekend level (12,000): a week at half (10,000
    // on the holiday weekdays) is little fall from there until the ordinary days after Easter
    // show it (day 105's window 101-105: 42,000 / 76,000 = 0.55; without holidays it is found on
    // day 103, its fifth low day); a week at 20% is found at once: day 101's window 97-101
    // is 20,000 x 2 + 4,000 + 4,000 + 2,400 = 50,400 against 20,000 x 3 + 12,000 x 2 = 84,000
    // (0.60, at the limit; z 19.3).
    assertEquals(List.of("drop@105"), drops(weekAt(99, 0.5)), "a week at half over Easter");
    // A holiday trough alone (the holiday weekdays at the weekend level) is no drop.
    IntToLongFunction trough = i -> i >= 100 && i <= 103 ? 12_000 : FLAT_WEEKLY_20K.applyAsLong(i);
    assertEquals(List.of(), drops(trough), "Easter at the weekend level");
    assertEquals(List.of("drop@101"), drops(weekAt(99, 0.2)), "a week at 20% over Easter");
    // At half from Wednesday 04-01 for two weeks: day 102's window 98-102 is 42,000 against
    // 20,000 x 2 + 12,000 x 3 = 76,000 (0.55), the holiday days expected at the weekend level.
    IntToLongFunction twoWeeks = i -> Math.round(FLAT_WEEKLY_20K.applyAsLong(i) * (i >= 98 && i < 112 ? 0.5 : 1));
    assertEquals(List.of("drop@102"), drops(twoWeeks), "a fall lasting over Easter");
    // Without holidays, the week at half over Easter is a drop like any other.
    RuleSettings d = RuleSettings.DEFAULTS;
    DropSettings dr = d.drop();
    RulesConfig none = RulesConfig.of(new RuleSettings(d.spike(), new DropSettings(dr.enabled(),
        dr.z(), dr.days(), dr.maxRatio(), dr.minVolume(), dr.referencePackage(),
        dr.referenceMaxRatio(), Holidays.NONE, dr.holidayMaxRatio(), dr.cooldown()),
        d.pythonShift(), d.osShift(), d.milestone(), d.trend()));
    assertEquals(List.of("drop@103"), firing(evaluate(none, overall(weekAt(99, 0.5)))).stream()
        .filter(a -> a.rule().equals("drop"))
        .map(a -> a.rule() + "@" + (a.date().toEpochDay() - START.toEpochDay())).toList());
  }

  @Test
  void aDropGoingOnIntoAHolidayIsNotResolvedByIt() {
    // At half from Monday 03-23 to Easter Monday 04-06 (15 days): one episode, no resolution
    // while the holiday window cannot tell, resolved after the fall ends.
    IntToLongFunction f = i -> Math.round(FLAT_WEEKLY_20K.applyAsLong(i) * (i >= 89 && i <= 103 ? 0.5 : 1));
    List<Alert> drop = evaluate(DEFAULTS, overall(f)).stream()
        .filter(a -> a.rule().equals("drop")).toList();
    assertEquals(List.of(AlertState.FIRING, AlertState.RESOLVED),
        drop.stream().map(Alert::state).toList(), drop.toString());
    assertTrue(drop.get(1).date().isAfter(LocalDate.parse("2026-04-06")), drop.toString());
  }

  private static List<String> drops(IntToLongFunction f) {
    return firing(evaluate(DEFAULTS, overall(f))).stream().filter(a -> a.rule().equals("drop"))
        .map(a -> a.rule() + "@" + (a.date().toEpochDay() - START.toEpochDay())).toList();
  }

  @Test
  void unknownDaysAreSkippedNeverZero() {
    List<DownloadRecord> holed = overall(FLAT_WEEKLY_20K).stream()
        .filter(r -> r.date().toEpochDay() % 9 != 0).toList();
    assertEquals(List.of(), firing(evaluate(DEFAULTS, holed)).stream()
        .filter(a -> !a.rule().equals("milestone")).toList());
  }

  @Test
  void aBackfillOfAnEvaluatedDateIsNotEvaluatedAgain() {
    RuleEngine e = new RuleEngine(DEFAULTS);
    overall(FLAT_WEEKLY_20K).forEach(e::record);
    LocalDate friday = START.plusDays(FRIDAY);
    e.evaluateThrough(PKG, friday);
    e.record(new DownloadRecord(PKG, Endpoint.OVERALL, Categories.WITHOUT_MIRRORS, friday, 99_000));
    assertEquals(List.of(), e.evaluateThrough(PKG, friday));
    assertEquals(friday, e.evaluatedThrough(PKG).orElseThrow());
  }

  @Test
  void restoredFiringAlertDoesNotFireAgainAndResolves() {
    IntToLongFunction twoDays = i -> i == FRIDAY || i == FRIDAY + 1
        ? 3 * FLAT_WEEKLY_20K.applyAsLong(i) : FLAT_WEEKLY_20K.applyAsLong(i);
    RuleEngine before = new RuleEngine(DEFAULTS);
    overall(twoDays).forEach(before::record);
    List<Alert> fired = before.evaluateThrough(PKG, START.plusDays(FRIDAY));
    RuleEngine after = new RuleEngine(DEFAULTS);
    overall(twoDays).forEach(after::record);
    after.restore(fired);
    after.markEvaluatedThrough(PKG, START.plusDays(FRIDAY));
    List<Alert> next = after.evaluateThrough(PKG, START.plusDays(FRIDAY + 2)).stream()
        .filter(a -> a.rule().equals("spike")).toList();
    assertEquals(List.of(AlertState.RESOLVED), next.stream().map(Alert::state).toList());
    assertEquals(START.plusDays(FRIDAY + 2), next.get(0).date());
  }

  @Test
  void aNewEpisodeWithinTheCooldownDoesNotFire() {
    RuleSettings d = RuleSettings.DEFAULTS;
    SpikeSettings s = d.spike();
    RulesConfig fiveDays = RulesConfig.of(new RuleSettings(new SpikeSettings(s.enabled(),
        s.category(), s.z(), s.weeks(), s.scaleFloor(), s.minVolume(), s.minIncrease(),
        s.minRatio(), Duration.ofDays(5)), d.drop(), d.pythonShift(), d.osShift(), d.milestone(),
        d.trend()));
    // Friday and the Wednesday after: resolved on Saturday, the second comes 4 days later.
    IntToLongFunction twoSpikes = i -> i == FRIDAY || i == FRIDAY + 5
        ? 3 * FLAT_WEEKLY_20K.applyAsLong(i) : FLAT_WEEKLY_20K.applyAsLong(i);
    assertEquals(1, firing(evaluate(fiveDays, overall(twoSpikes))).stream()
        .filter(a -> a.rule().equals("spike")).count());
    assertEquals(2, firing(evaluate(DEFAULTS, overall(twoSpikes))).stream()
        .filter(a -> a.rule().equals("spike")).count());
    // Friday and Monday (2 days after the resolution): one burst, told once at the default 3 days.
    IntToLongFunction burst = i -> i == FRIDAY || i == FRIDAY + 3
        ? 3 * FLAT_WEEKLY_20K.applyAsLong(i) : FLAT_WEEKLY_20K.applyAsLong(i);
    assertEquals(Duration.ofDays(3), SpikeSettings.DEFAULTS.cooldown());
    assertEquals(1, firing(evaluate(DEFAULTS, overall(burst))).stream()
        .filter(a -> a.rule().equals("spike")).count());
  }

  @Test
  void osShareShiftOf20PointsFiresOnTheFourthDay() {
    int from = 100;
    List<Alert> alerts = firing(evaluate(DEFAULTS, system(i -> i < from
        ? Map.of("linux", 0.7, "windows", 0.2, "darwin", 0.1)
        : Map.of("linux", 0.5, "windows", 0.4, "darwin", 0.1))));
    List<String> got = alerts.stream().map(a -> a.fingerprint() + "@"
        + (a.date().toEpochDay() - START.toEpochDay())).toList();
    assertEquals(List.of("os-shift:pip:system:linux@103", "os-shift:pip:system:windows@103"),
        got.stream().sorted().toList());
    Alert windows = alerts.stream().filter(a -> a.category().equals("windows")).findFirst().get();
    assertEquals(40.0, windows.observed(), ALLOWED_ERROR);
    assertEquals(20.0, windows.expected(), ALLOWED_ERROR);
  }

  @Test
  void newPythonVersionIsReportedOnce() {
    List<DownloadRecord> recs = new java.util.ArrayList<>();
    for (int i = 0; i < DAYS; i++) {
      LocalDate d = START.plusDays(i);
      recs.add(new DownloadRecord(PKG, Endpoint.PYTHON_MINOR, "3.13", d, i < 100 ? 10_000 : 9_700));
      if (i >= 100) {
        recs.add(new DownloadRecord(PKG, Endpoint.PYTHON_MINOR, "3.14", d, 300));
      }
    }
    List<Alert> fired = firing(evaluate(DEFAULTS, recs));
    assertEquals(List.of("python-new:pip:python_minor:3.14"),
        fired.stream().map(Alert::fingerprint).toList());
  }

  @Test
  void milestoneFiresOncePerPowerOfTen() {
    IntToLongFunction growing = i -> i < 60 ? 300 : 400;
    List<Alert> m = evaluate(DEFAULTS, overall(growing)).stream()
        .filter(a -> a.rule().equals("milestone")).toList();
    assertEquals(List.of("milestone:pip:overall:without_mirrors:10000"),
        m.stream().map(Alert::fingerprint).toList());
  }

  @Test
  void aRestartedEngineReportsTheMilestoneOfItsFirstEvaluatedDayAsTheUninterruptedOneDoes() {
    IntToLongFunction growing = i -> i < 60 ? 300 : 400;
    List<DownloadRecord> records = overall(growing);
    LocalDate crossed = START.plusDays(69); // 20 x 300 + 10 x 400 = 10,000 in 30 days
    RuleEngine restarted = new RuleEngine(DEFAULTS);
    records.forEach(restarted::record);
    restarted.markEvaluatedThrough(PKG, crossed.minusDays(1)); // what its offsets say it had done
    restarted.restore(List.of()); // no milestone fired yet: the start level was in memory only

    List<Alert> m = restarted.evaluateThrough(PKG, crossed).stream()
        .filter(a -> a.rule().equals("milestone")).toList();

    assertEquals(List.of("milestone:pip:overall:without_mirrors:10000@" + crossed),
        m.stream().map(a -> a.fingerprint() + "@" + a.date()).toList());
    assertEquals(List.of(crossed), evaluate(DEFAULTS, records).stream()
        .filter(a -> a.rule().equals("milestone")).map(Alert::date).toList(), "the uninterrupted engine's day");
  }
}
