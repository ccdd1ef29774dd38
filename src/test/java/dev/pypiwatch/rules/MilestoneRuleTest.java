package dev.pypiwatch.rules;

import static dev.pypiwatch.rules.RulesTesting.ALLOWED_ERROR;
import static dev.pypiwatch.rules.RulesTesting.PKG;
import static dev.pypiwatch.rules.RulesTesting.START;
import static dev.pypiwatch.rules.RulesTesting.overall;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Severity;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.function.IntToLongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link MilestoneRule}'s 30-day total and levels, and the engine reporting each level once. */
class MilestoneRuleTest {
  private static final MilestoneSettings M = MilestoneSettings.DEFAULTS;
  /** 300 a day, 400 from day 60: the 30-day total is 9,000 + 100 per day at 400 from day 60. */
  private static final IntToLongFunction GROWING_300_TO_400 = i -> i < 60 ? 300 : 400;
  /** 9,000 + 100 x 10 = 10,000 on day 69 (days 60-69 at 400). */
  private static final int TEN_THOUSAND_DAY = 69;
  /** 300 a day, 4,000 from day 60: 8,700 + 4,000 = 12,700 on day 60; 9,000 + 3,700 x 25 on 84. */
  private static final IntToLongFunction JUMP_300_TO_4000 = i -> i < 60 ? 300 : 4_000;
  /** The day judged in the total() table; its 30 days are days 11-40. */
  private static final LocalDate DAY_40 = START.plusDays(40);

  static Stream<Arguments> totals() {
    // f(k): the count k days before day 40 (k = 0..30), -1 for unknown.
    return Stream.of(
        Arguments.of("30 days at 40", (IntToLongFunction) k -> 40, 1_200.0),
        Arguments.of("5 unknown: 30 x mean of 25", (IntToLongFunction) k -> k % 6 == 1 ? -1 : 40,
            1_200.0),
        Arguments.of("6 unknown: 24 known < 25", (IntToLongFunction) k -> k % 5 == 1 ? -1 : 40,
            Double.NaN),
        Arguments.of("20 at 300, the last 10 at 400", (IntToLongFunction) k -> k < 10 ? 400 : 300,
            10_000.0),
        Arguments.of("the 31st day back is outside", (IntToLongFunction) k -> k == 30 ? 1_000_000 : 40,
            1_200.0),
        // A hole is not a zero: 5 unknown among the 300s of the row above, 25 known days.
        Arguments.of("5 unknown in a 300/400 window",
            (IntToLongFunction) k -> k < 10 ? 400 : k < 15 ? -1 : 300, 30 * (4_000 + 4_500) / 25.0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("totals")
  void theTotalIs30TimesTheMeanOfAtLeast25KnownDays(String name, IntToLongFunction f,
      double total) {
    DailySeries s = new DailySeries();
    for (int k = 0; k <= 30; k++) {
      if (f.applyAsLong(k) >= 0) {
        s.put(DAY_40.minusDays(k), f.applyAsLong(k));
      }
    }
    assertEquals(total, MilestoneRule.total(s, DAY_40), ALLOWED_ERROR);
  }

  static Stream<Arguments> levels() {
    return Stream.of(
        Arguments.of(999.99, 1_000L, 0L),
        Arguments.of(1_000.0, 1_000L, 1_000L),
        Arguments.of(9_999.0, 1_000L, 1_000L),
        Arguments.of(10_000.0, 1_000L, 10_000L),
        Arguments.of(2_500_000.0, 1_000L, 1_000_000L),
        Arguments.of(Double.NaN, 1_000L, 0L),
        Arguments.of(50_000.0, 10_000L, 10_000L),
        Arguments.of(5_000.0, 10_000L, 0L),
        // 10^18 x 10 overflows a long: the loop stops at the last positive power.
        Arguments.of(9.3e18, 1_000L, 1_000_000_000_000_000_000L));
  }

  @ParameterizedTest(name = "total {0}, min {1}: level {2}")
  @MethodSource("levels")
  void theLevelIsTheHighestPowerOfTenReached(double total, long minLevel, long level) {
    assertEquals(level, MilestoneRule.level(total, new MilestoneSettings(true, minLevel)));
  }

  @Test
  void theFindingCarriesTheLevelAndTheTotal() {
    LocalDate day = START.plusDays(TEN_THOUSAND_DAY);
    Finding f = MilestoneRule.finding(PKG, Categories.WITHOUT_MIRRORS, day, 12_345, 10_000);
    assertEquals("milestone:pip:overall:without_mirrors:10000", f.fingerprint());
    assertEquals("milestone", f.rule());
    assertEquals("overall", f.series());
    assertEquals(Severity.INFO, f.severity());
    assertEquals(12_345, f.observed(), ALLOWED_ERROR);
    assertEquals(10_000, f.expected(), ALLOWED_ERROR);
    assertEquals(1.2345, f.score(), ALLOWED_ERROR);
    assertEquals("pip: 10,000 downloads in 30 days reached on 2026-03-03 (Tue) (12,345)",
        f.summary());
    Alert a = Lifecycle.alert(PKG, day, f);
    assertEquals(Optional.of(10_000L), MilestoneRule.levelOf(a));
    Alert spike = new Alert("spike:pip:overall:without_mirrors", PKG, "spike", "overall",
        Categories.WITHOUT_MIRRORS, day, AlertState.FIRING, Severity.WARNING, 3, 1, 5, "s",
        Alert.linkOf(PKG));
    assertEquals(Optional.empty(), MilestoneRule.levelOf(spike));
  }

  private static List<Alert> milestones(RulesConfig config, IntToLongFunction f) {
    return RulesTesting.evaluate(config, overall(f)).stream()
        .filter(a -> a.rule().equals(MilestoneRule.NAME)).toList();
  }

  private static RulesConfig with(MilestoneSettings m) {
    RuleSettings d = RuleSettings.DEFAULTS;
    return RulesConfig.of(new RuleSettings(d.spike(), d.drop(), d.pythonShift(), d.osShift(), m,
        d.trend()));
  }

  private static List<String> firedOn(List<Alert> alerts) {
    return alerts.stream()
        .map(a -> a.fingerprint() + "@" + (a.date().toEpochDay() - START.toEpochDay())).toList();
  }

  @Test
  void growingPast10000FiresOnceOnTheDayAndNeverResolves() {
    // First known total: day 24 (25 known days) = 9,000: level 1,000, the starting point. Day 68:
    // 9,000 + 900 = 9,900; day 69: 10,000 exactly, score 1.0.
    PackageHistory h = new PackageHistory();
    overall(GROWING_300_TO_400).forEach(h::put);
    DailySeries s = h.series(dev.pypiwatch.events.Endpoint.OVERALL, Categories.WITHOUT_MIRRORS);
    assertEquals(9_900, MilestoneRule.total(s, START.plusDays(TEN_THOUSAND_DAY - 1)), ALLOWED_ERROR);
    assertEquals(10_000, MilestoneRule.total(s, START.plusDays(TEN_THOUSAND_DAY)), ALLOWED_ERROR);
    List<Alert> got = milestones(RulesConfig.DEFAULTS, GROWING_300_TO_400);
    assertEquals(List.of("milestone:pip:overall:without_mirrors:10000@69"), firedOn(got));
    Alert a = got.get(0);
    assertEquals(AlertState.FIRING, a.state());
    assertEquals(Severity.INFO, a.severity());
    assertEquals(10_000, a.observed(), ALLOWED_ERROR);
    assertEquals(10_000, a.expected(), ALLOWED_ERROR);
    assertEquals(1.0, a.score(), ALLOWED_ERROR);
  }

  @Test
  void eachLevelFiresOnce() {
    // Day 60: 29 x 300 + 4,000 = 12,700 → 10,000. Day 83: 9,000 + 24 x 3,700 = 97,800; day 84:
    // 101,500 → 100,000. The total then rises to 120,000, below 1,000,000.
    assertEquals(List.of("milestone:pip:overall:without_mirrors:10000@60",
        "milestone:pip:overall:without_mirrors:100000@84"),
        firedOn(milestones(RulesConfig.DEFAULTS, JUMP_300_TO_4000)));
  }

  @Test
  void theFirstLevelSeenIsNotNews() {
    // 500 a day: 15,000 from the first known total on: level 10,000 is where it starts.
    assertEquals(List.of(), milestones(RulesConfig.DEFAULTS, i -> 500));
  }

  @Test
  void aFallAndARiseBackToALevelIsNotReportedAgain() {
    // 10,000 on day 69; days 80-99 at 200 (day 99: 10 x 400 + 20 x 200 = 8,000); days 100-119 at
    // 400 (day 119: 10 x 200 + 20 x 400 = 10,000 again): the highest level is kept.
    IntToLongFunction f = i -> i < 60 ? 300 : i < 80 ? 400 : i < 100 ? 200 : 400;
    assertEquals(List.of("milestone:pip:overall:without_mirrors:10000@69"),
        firedOn(milestones(RulesConfig.DEFAULTS, f)));
  }

  @Test
  void aRestoredLevelIsNotReportedAgain() {
    RuleEngine e = new RuleEngine(RulesConfig.DEFAULTS);
    overall(GROWING_300_TO_400).forEach(e::record);
    e.restore(List.of(Lifecycle.alert(PKG, START.minusDays(1), MilestoneRule.finding(PKG,
        Categories.WITHOUT_MIRRORS, START.minusDays(1), 10_500, 10_000))));
    List<Alert> got = e.evaluateThrough(PKG, START.plusDays(RulesTesting.DAYS - 1));
    assertTrue(got.stream().noneMatch(a -> a.rule().equals(MilestoneRule.NAME)), got.toString());
  }

  @Test
  void anUnknownDayReportsNothingAndTheNextDayUsesTheKnownDays() {
    // Day 69 unknown: nothing that day. Day 70: days 41-70 less 69 = 19 x 300 + 10 x 400 = 9,700
    // over 29 known days → 30 x 9,700 / 29 = 10,034.48.
    RuleEngine e = new RuleEngine(RulesConfig.DEFAULTS);
    overall(GROWING_300_TO_400).stream()
        .filter(r -> !r.date().equals(START.plusDays(TEN_THOUSAND_DAY))).forEach(e::record);
    List<Alert> got = e.evaluateThrough(PKG, START.plusDays(RulesTesting.DAYS - 1)).stream()
        .filter(a -> a.rule().equals(MilestoneRule.NAME)).toList();
    assertEquals(List.of("milestone:pip:overall:without_mirrors:10000@70"), firedOn(got));
    assertEquals(30 * 9_700 / 29.0, got.get(0).observed(), ALLOWED_ERROR);
  }

  static Stream<Arguments> settings() {
    return Stream.of(
        Arguments.of("defaults", M, List.of("10000@60", "100000@84")),
        // Below 100,000 the level is 0: the first level seen is 0, so 100,000 is news.
        Arguments.of("from 100,000", new MilestoneSettings(true, 100_000), List.of("100000@84")),
        Arguments.of("disabled", new MilestoneSettings(false, 1_000), List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("settings")
  void settingsChooseTheLevels(String name, MilestoneSettings m, List<String> expected) {
    assertEquals(expected.stream().map(s -> "milestone:pip:overall:without_mirrors:" + s).toList(),
        firedOn(milestones(with(m), JUMP_300_TO_4000)));
  }

  @Test
  void theSpikeCategoryIsTheSeriesCounted() {
    // with_mirrors grows; without_mirrors stays at 300 (9,000, level 1,000).
    SpikeSettings s = SpikeSettings.DEFAULTS;
    RuleSettings d = RuleSettings.DEFAULTS;
    RulesConfig mirrors = RulesConfig.of(new RuleSettings(new SpikeSettings(s.enabled(),
        Categories.WITH_MIRRORS, s.z(), s.weeks(), s.scaleFloor(), s.minVolume(), s.minIncrease(),
        s.minRatio(), s.cooldown()), d.drop(), d.pythonShift(), d.osShift(), d.milestone(),
        d.trend()));
    List<DownloadRecord> records = new java.util.ArrayList<>(overall(i -> 300));
    overall(GROWING_300_TO_400).forEach(r -> records.add(new DownloadRecord(PKG, r.endpoint(),
        Categories.WITH_MIRRORS, r.date(), r.downloads())));
    List<Alert> got = RulesTesting.evaluate(mirrors, records).stream()
        .filter(a -> a.rule().equals(MilestoneRule.NAME)).toList();
    assertEquals(List.of("milestone:pip:overall:with_mirrors:10000@69"), firedOn(got));
    assertEquals(List.of(), RulesTesting.evaluate(RulesConfig.DEFAULTS, records).stream()
        .filter(a -> a.rule().equals(MilestoneRule.NAME)).toList());
  }
}
