package dev.pypiwatch.rules;

import static dev.pypiwatch.rules.RulesTesting.ALLOWED_ERROR;
import static dev.pypiwatch.rules.RulesTesting.FRIDAY;
import static dev.pypiwatch.rules.RulesTesting.PKG;
import static dev.pypiwatch.rules.RulesTesting.START;
import static dev.pypiwatch.rules.RulesTesting.overall;
import static java.util.stream.Collectors.toSet;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.Severity;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntToLongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link TrendRule} on hand-worked weeks: off by default, +-50% both ways, volume floor, holes. */
class TrendRuleTest {
  private static final TrendRule RULE = new TrendRule();
  /** The trend rule as documented but switched on: 50%, >= 100/day, 7 days. */
  private static final TrendSettings ON = new TrendSettings(true, 50, 100, Duration.ofDays(7));
  /** Day 100's week is days 94-100; the week before, 87-93. */
  private static final int LAST_EARLIER_DAY = FRIDAY - 7;

  /** {@code before} a day through day 93, {@code now} a day from day 94. */
  private static IntToLongFunction weeks(long before, long now) {
    return i -> i <= LAST_EARLIER_DAY ? before : now;
  }

  private static PackageHistory history(IntToLongFunction f, int... unknown) {
    Set<LocalDate> holes = Arrays.stream(unknown).mapToObj(START::plusDays).collect(toSet());
    PackageHistory h = new PackageHistory();
    overall(f).stream().filter(r -> !holes.contains(r.date())).forEach(h::put);
    return h;
  }

  private static RuleSettings with(TrendSettings t) {
    RuleSettings d = RuleSettings.DEFAULTS;
    return new RuleSettings(d.spike(), d.drop(), d.pythonShift(), d.osShift(), d.milestone(), t);
  }

  private static Optional<List<Finding>> evaluate(PackageHistory h, RuleSettings s) {
    return RULE.evaluate(new Rule.Day(PKG, h, null, START.plusDays(FRIDAY), s));
  }

  private static List<Finding> judged(PackageHistory h, RuleSettings s) {
    return evaluate(h, s).orElseThrow(() -> new AssertionError("not judged"));
  }

  @Test
  void offByDefault() {
    // A week at three times the one before is +200%: only news when switched on.
    PackageHistory h = history(weeks(1_000, 3_000));
    assertEquals(new TrendSettings(false, 50, 100, Duration.ofDays(7)), TrendSettings.DEFAULTS);
    assertEquals(Optional.of(List.of()), evaluate(h, RuleSettings.DEFAULTS));
    assertEquals(1, judged(h, with(ON)).size());
  }

  static Stream<Arguments> changes() {
    // change = now / before - 1, p = 0.5; fires if |change| >= p; score = change / p; WARNING at
    // |change| >= 2p. Observed and expected are 7 x the week's mean.
    return Stream.of(
        Arguments.of("+50% exactly", 1_000L, 1_500L, 1.0, Severity.INFO),
        Arguments.of("+49.9%", 1_000L, 1_499L, Double.NaN, null),
        Arguments.of("-50% exactly", 1_000L, 500L, -1.0, Severity.INFO),
        Arguments.of("-49.9%", 1_000L, 501L, Double.NaN, null),
        Arguments.of("+99.9%", 1_000L, 1_999L, 1.998, Severity.INFO),
        Arguments.of("+100%", 1_000L, 2_000L, 2.0, Severity.WARNING),
        Arguments.of("+200%", 1_000L, 3_000L, 4.0, Severity.WARNING),
        Arguments.of("-100%: nothing left", 1_000L, 0L, -2.0, Severity.WARNING),
        Arguments.of("earlier week 100/day = floor", 100L, 150L, 1.0, Severity.INFO),
        Arguments.of("earlier week 99/day < floor", 99L, 1_000L, Double.NaN, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("changes")
  void aWeekBeyondFiftyPercentEitherWayIsATrend(String name, long before, long now, double score,
      Severity severity) {
    List<Finding> got = judged(history(weeks(before, now)), with(ON));
    if (severity == null) {
      assertEquals(List.of(), got);
      return;
    }
    assertEquals(1, got.size(), got.toString());
    Finding f = got.get(0);
    assertEquals(score, f.score(), ALLOWED_ERROR);
    assertEquals(severity, f.severity());
    assertEquals(7 * now, f.observed(), ALLOWED_ERROR);
    assertEquals(7 * before, f.expected(), ALLOWED_ERROR);
  }

  @Test
  void theFindingCarriesItsEvidence() {
    Finding f = judged(history(weeks(1_000, 1_500)), with(ON)).get(0);
    assertEquals("trend:pip:overall:without_mirrors", f.fingerprint());
    assertEquals("trend", f.rule());
    assertEquals("overall", f.series());
    assertEquals(Categories.WITHOUT_MIRRORS, f.category());
    assertEquals("pip: weekly downloads up 50% (10,500 vs 7,000 the week before) in the 7 days"
        + " to 2026-04-03 (Fri)", f.summary());
    Finding down = judged(history(weeks(1_000, 500)), with(ON)).get(0);
    assertEquals("pip: weekly downloads down 50% (3,500 vs 7,000 the week before) in the 7 days"
        + " to 2026-04-03 (Fri)", down.summary());
    assertEquals(Set.of("trend:overall"), RULE.scopes());
  }

  static Stream<Arguments> settings() {
    // 1,000 → 1,500 a day: +50%.
    return Stream.of(
        Arguments.of("on", ON, true),
        Arguments.of("60%", new TrendSettings(true, 60, 100, Duration.ofDays(7)), false),
        Arguments.of("40%", new TrendSettings(true, 40, 100, Duration.ofDays(7)), true),
        Arguments.of("min volume 1,000 = the earlier week",
            new TrendSettings(true, 50, 1_000, Duration.ofDays(7)), true),
        Arguments.of("min volume 1,001", new TrendSettings(true, 50, 1_001, Duration.ofDays(7)),
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("settings")
  void eachSettingMovesItsThreshold(String name, TrendSettings t, boolean fires) {
    assertEquals(fires ? 1 : 0, judged(history(weeks(1_000, 1_500)), with(t)).size());
  }

  @Test
  void theScoreIsInUnitsOfTheSetPercent() {
    // +50% at a 40% threshold: 0.5 / 0.4 = 1.25, INFO (< 80%).
    Finding f = judged(history(weeks(1_000, 1_500)),
        with(new TrendSettings(true, 40, 100, Duration.ofDays(7)))).get(0);
    assertEquals(1.25, f.score(), ALLOWED_ERROR);
    assertEquals(Severity.INFO, f.severity());
  }

  static Stream<Arguments> holes() {
    // Weeks are means of their known days (at least 5 of 7): a hole lowers no week.
    return Stream.of(
        // 1,000 → 1,500 with 2 unknown days this week: mean 1,500 still, +50%.
        Arguments.of("2 unknown this week", weeks(1_000, 1_500), new int[] {95, 97}, 40.0, true),
        Arguments.of("3 unknown this week: too few", weeks(1_000, 1_500), new int[] {95, 96, 97},
            40.0, false),
        Arguments.of("3 unknown the week before: too few", weeks(1_000, 1_500),
            new int[] {88, 89, 90}, 40.0, false),
        // Steady 1,000 with 2 unknown days: a sum would read 5,000 / 7,000 = -28.6% (> 20%).
        Arguments.of("steady, 2 unknown, at 20%", weeks(1_000, 1_000), new int[] {95, 97}, 20.0,
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("holes")
  void unknownDaysAreLeftOutOfTheWeeks(String name, IntToLongFunction f, int[] unknown,
      double percent, boolean fires) {
    List<Finding> got = judged(history(f, unknown),
        with(new TrendSettings(true, percent, 100, Duration.ofDays(7))));
    assertEquals(fires ? 1 : 0, got.size(), got.toString());
    if (fires) {
      assertEquals(7 * 1_500, got.get(0).observed(), ALLOWED_ERROR);
    }
  }

  @Test
  void anUnknownDayIsNotJudged() {
    assertEquals(Optional.empty(), evaluate(history(weeks(1_000, 3_000), FRIDAY), with(ON)));
    assertEquals(Optional.empty(), evaluate(history(weeks(1_000, 3_000), FRIDAY),
        RuleSettings.DEFAULTS));
  }

  @Test
  void theSpikeCategoryIsTheSeriesWatched() {
    // with_mirrors triples; without_mirrors is steady.
    PackageHistory h = history(i -> 1_000);
    overall(weeks(1_000, 3_000)).forEach(r -> h.put(new DownloadRecord(PKG, Endpoint.OVERALL,
        Categories.WITH_MIRRORS, r.date(), r.downloads())));
    SpikeSettings s = SpikeSettings.DEFAULTS;
    RuleSettings d = with(ON);
    RuleSettings mirrors = new RuleSettings(new SpikeSettings(s.enabled(), Categories.WITH_MIRRORS,
        s.z(), s.weeks(), s.scaleFloor(), s.minVolume(), s.minIncrease(), s.minRatio(),
        s.cooldown()), d.drop(), d.pythonShift(), d.osShift(), d.milestone(), d.trend());
    assertEquals(List.of(), judged(h, d));
    assertEquals(List.of("trend:pip:overall:with_mirrors"),
        judged(h, mirrors).stream().map(Finding::fingerprint).toList());
  }
}
