package dev.pypiwatch.rules;

import static dev.pypiwatch.rules.RulesTesting.ALLOWED_ERROR;
import static dev.pypiwatch.rules.RulesTesting.FRIDAY;
import static dev.pypiwatch.rules.RulesTesting.PKG;
import static dev.pypiwatch.rules.RulesTesting.SPIKE_X3_ON_FRIDAY;
import static dev.pypiwatch.rules.RulesTesting.SPIKE_X3_SCORE;
import static dev.pypiwatch.rules.RulesTesting.START;
import static dev.pypiwatch.rules.RulesTesting.overall;
import static java.util.stream.Collectors.toSet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.Severity;
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

/** {@link SpikeRule} on hand-worked series: thresholds, floors, cold start, holes, mirrors, reference. */
class SpikeRuleTest {
  private static final SpikeRule RULE = new SpikeRule();
  private static final RuleSettings DEFAULTS = RuleSettings.DEFAULTS;
  private static final SpikeSettings S = SpikeSettings.DEFAULTS;
  /** A table's expected score when the day is judged and nothing is found. */
  private static final double QUIET = Double.NaN;

  /**
   * Weeks alternate between 20,000 and 26,000 a day (the 7 days before day 100 at 20,000, the 7
   * before them at 26,000, ...). Any day from day 42 on has 3 + 3 of each among its 6 previous
   * same weekdays: baseline (20,000 + 26,000) / 2 = 23,000. From day 98 on the 56 residuals are 28
   * x ln(20001/23001) and 28 x ln(26001/23001): their median is the midpoint, every deviation is
   * half the gap, so MAD = ln(26001/20001) / 2 = 0.131176 and noise = 1.4826 x MAD = 0.194482
   * (above the 0.10 floor). The recent level stays 0: of the 14 days before day 100, 7 lie above
   * and 7 below the baseline (the level moves only when three quarters lie on one side).
   */
  private static final double ALTERNATING_BASELINE = 23_000;
  private static final double ALTERNATING_NOISE = 1.4826 * Math.log(26_001.0 / 20_001.0) / 2;

  private static long alternating(int i) {
    return Math.floorMod(Math.floorDiv(FRIDAY - 1 - i, 7), 2) == 0 ? 20_000 : 26_000;
  }

  /** {@code base} every day, {@code x} on day {@link RulesTesting#FRIDAY}. */
  private static IntToLongFunction flatWith(long base, long x) {
    return i -> i == FRIDAY ? x : base;
  }

  private static PackageHistory history(IntToLongFunction f) {
    PackageHistory h = new PackageHistory();
    overall(f).forEach(h::put);
    return h;
  }

  private static Optional<List<Finding>> evaluate(PackageHistory h, PackageHistory reference,
      int day, RuleSettings settings) {
    return RULE.evaluate(new Rule.Day(PKG, h, reference, START.plusDays(day), settings));
  }

  private static List<Finding> judged(PackageHistory h, int day, RuleSettings settings) {
    return evaluate(h, null, day, settings).orElseThrow(() -> new AssertionError("not judged"));
  }

  private static RuleSettings with(SpikeSettings spike) {
    RuleSettings d = DEFAULTS;
    return new RuleSettings(spike, d.drop(), d.pythonShift(), d.osShift(), d.milestone(), d.trend());
  }

  private static SpikeSettings spike(boolean enabled, String category, double z, double floor,
      long minVolume, long minIncrease, double minRatio) {
    return new SpikeSettings(enabled, category, z, S.weeks(), floor, minVolume, minIncrease,
        minRatio, S.cooldown());
  }

  private static SpikeSettings spike(double z, double floor, long minVolume, long minIncrease,
      double minRatio) {
    return spike(true, S.category(), z, floor, minVolume, minIncrease, minRatio);
  }

  /** Asserts {@code got} is one finding with this score, or none if {@code score} is NaN. */
  private static void assertVerdict(double score, Severity severity, List<Finding> got) {
    if (Double.isNaN(score)) {
      assertEquals(List.of(), got);
      return;
    }
    assertEquals(1, got.size(), got.toString());
    assertEquals(score, got.get(0).score(), ALLOWED_ERROR);
    assertEquals(severity, got.get(0).severity());
  }

  @Test
  void aThreefoldFridayFiresWithHandCheckedEvidence() {
    // FLAT_WEEKLY_20K: the last 6 Fridays are 20,000, every residual of the 56 days before is 0,
    // so noise = floor 0.10; ln(60001/20001) / 0.10 = 10.99 > 3.25, and >= 2 x 3.25 → CRITICAL.
    Finding f = judged(history(SPIKE_X3_ON_FRIDAY), FRIDAY, DEFAULTS).get(0);
    assertEquals("spike:pip:overall:without_mirrors", f.fingerprint());
    assertEquals("spike", f.rule());
    assertEquals("overall", f.series());
    assertEquals(Categories.WITHOUT_MIRRORS, f.category());
    assertEquals(60_000, f.observed(), ALLOWED_ERROR);
    assertEquals(20_000, f.expected(), ALLOWED_ERROR);
    assertEquals(SPIKE_X3_SCORE, f.score(), ALLOWED_ERROR);
    assertEquals(10.9858, f.score(), 1e-4);
    assertEquals(Severity.CRITICAL, f.severity());
    assertEquals("pip: downloads spiked to 60,000 on 2026-04-03 (Fri), 3.0x the usual Friday"
        + " (20,000)", f.summary());
    assertEquals(Set.of("spike:overall"), RULE.scopes());
  }

  @Test
  void aRiseIsMeasuredInTheUpperHalfOfTheNoise() {
    // Nine residuals, sorted: deep dips, steady good days. Median 0 (the 5th); upper quartile at
    // rank 6 of 0..8 = 0.1, so the rise unit is 1.4826 x 0.1 = 0.148; the MAD (of |r|: 0, 0, 0.05,
    // 0.1, 0.2, 0.3, 0.3, 0.6, 0.9) is 0.2, a noise unit of 0.297 that the dips widened.
    double[] res = {-0.9, -0.6, -0.3, 0, 0, 0.05, 0.1, 0.2, 0.3};
    assertEquals(0.14826, Baselines.riseScale(res, res.length, 0.10), 1e-12);
    assertEquals(0.29652, Robust.MAD_TO_SD * Robust.mad(res, res.length), 1e-12);
    // The floor still holds: with every residual 0 the rise unit is 0.10.
    assertEquals(0.10, Baselines.riseScale(new double[20], 20, 0.10), 0);
    // A day at 2,100 against 1,000: ln(2101/1001) = 0.741 is 5.0 rise units (a spike at z 3.25),
    // though only 2.5 units of the two-sided noise.
    Baselines.Estimate e = new Baselines.Estimate(1_000, 0.29652, true, 0.14826);
    assertEquals(Math.log(2_101.0 / 1_001.0) / 0.14826, SpikeRule.score(2_100, e), 1e-12);
    assertEquals(5.0008, SpikeRule.score(2_100, e), 1e-4);
    assertTrue(Math.log(2_101.0 / 1_001.0) / 0.29652 < SpikeSettings.DEFAULTS.z());
    // The cold-start estimate measures rises in its one noise unit.
    assertEquals(0.3, new Baselines.Estimate(1_000, 0.3, false).riseScale(), 0);
  }

  @Test
  void aBurstyPackagesOrdinaryBurstsWidenTheRiseUnit() {
    // The mirror image: steady bad days, bursty good days. Upper quartile (rank 6) 0.3, median 0:
    // rise unit 1.4826 x 0.3 = 0.445, while the MAD (of |r|: 0, 0, 0.05, 0.1, 0.2, 0.3, 0.3, 0.6,
    // 0.9) is 0.2 again (0.297). A day at 3x the baseline of 1,000 is 2.47 rise units: no spike
    // at z 3.25 (it would be 3.70 units of the two-sided noise: a spike before).
    double[] res = {-0.3, -0.2, -0.1, -0.05, 0, 0, 0.3, 0.6, 0.9};
    assertEquals(Robust.MAD_TO_SD * 0.3, Baselines.riseScale(res, res.length, 0.10), 1e-12);
    assertEquals(0.29652, Robust.MAD_TO_SD * Robust.mad(res, res.length), 1e-12);
    Baselines.Estimate e = new Baselines.Estimate(1_000, 0.29652, true, Robust.MAD_TO_SD * 0.3);
    assertEquals(2.4685, SpikeRule.score(3_000, e), 1e-4);
    assertTrue(SpikeRule.score(3_000, e) < SpikeSettings.DEFAULTS.z());
    assertTrue(Math.log(3_001.0 / 1_001.0) / 0.29652 > SpikeSettings.DEFAULTS.z());
  }

  static Stream<Arguments> quietSeries() {
    // Constant series: baseline = the constant, noise (and rise unit) = floor 0.10, so z 3.25
    // alone would need only x >= 1.384 b; the absolute floors and the ratio decide. score =
    // ln((x+1)/(b+1)) / 0.10; CRITICAL from 2 z = 6.5.
    return Stream.of(
        Arguments.of("ratio exactly 2 fires: ln(40001/20001)/0.1 >= 6.5 is CRITICAL", 20_000,
            40_000, 6.9312, Severity.CRITICAL),
        Arguments.of("x3 at 20,000", 20_000, 60_000, 10.9858, Severity.CRITICAL),
        Arguments.of("ratio 1.99995 < 2 (z 6.9 would fire)", 20_000, 39_999, QUIET, null),
        Arguments.of("ratio 1.75 < 2 (z 5.6 would fire)", 20_000, 35_000, QUIET, null),
        Arguments.of("baseline 10 = min volume: ln(101/11)/0.1", 10, 100, 22.1723, Severity.CRITICAL),
        Arguments.of("baseline 9 < min volume 10", 9, 90, QUIET, null),
        Arguments.of("excess 10 = min increase, ratio 2: ln(21/11)/0.1 < 6.5", 10, 20, 6.4663,
            Severity.WARNING),
        Arguments.of("excess 9 < min increase 10 (and ratio 1.9 < 2)", 10, 19, QUIET, null),
        Arguments.of("3 a day, 12 on the day: below every floor", 3, 12, QUIET, null),
        Arguments.of("a fall is no spike", 20_000, 5_000, QUIET, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("quietSeries")
  void floorsAndRatioDecideOnAQuietSeries(String name, long base, long x, double score,
      Severity severity) {
    assertVerdict(score, severity, judged(history(flatWith(base, x)), FRIDAY, DEFAULTS));
  }

  static Stream<Arguments> noisySeries() {
    // Baseline 23,000, noise 0.194482: z 3.5 needs x + 1 >= 23001 exp(3.5 x 0.194482) = 45,432.
    return Stream.of(
        Arguments.of("ratio 1.75 but z = ln(40251/23001)/0.1945 = 2.88", 40_250, QUIET, null),
        Arguments.of("z = ln(45001/23001)/0.1945 = 3.45 < 3.5", 45_000, QUIET, null),
        Arguments.of("z = ln(46001/23001)/0.1945 = 3.56 > 3.5", 46_000, 3.5640, Severity.WARNING),
        Arguments.of("x3: z = ln(69001/23001)/0.1945 = 5.65, < 7", 69_000, 5.6488, Severity.WARNING));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("noisySeries")
  void aNoisierSeriesNeedsALargerSpike(String name, long x, double score, Severity severity) {
    IntToLongFunction f = i -> i == FRIDAY ? x : alternating(i);
    List<Finding> got = judged(history(f), FRIDAY, DEFAULTS);
    assertVerdict(score, severity, got);
    if (!got.isEmpty()) {
      assertEquals(ALTERNATING_BASELINE, got.get(0).expected(), ALLOWED_ERROR);
      double expectedScore = Math.log((x + 1.0) / (ALTERNATING_BASELINE + 1)) / ALTERNATING_NOISE;
      assertEquals(expectedScore, got.get(0).score(), ALLOWED_ERROR);
    }
  }

  static Stream<Arguments> settings() {
    // SPIKE_X3_ON_FRIDAY: x 60,000, b 20,000, excess 40,000, ratio 3, z 10.99 at noise 0.10.
    return Stream.of(
        Arguments.of("defaults", S, true),
        Arguments.of("z 10.9 < 10.99", spike(10.9, 0.10, 10, 10, 1.75), true),
        Arguments.of("z 11 > 10.99", spike(11, 0.10, 10, 10, 1.75), false),
        Arguments.of("floor 0.29: z = 1.0986/0.29 = 3.79", spike(3.75, 0.29, 10, 10, 1.75), true),
        Arguments.of("floor 0.30: z = 1.0986/0.30 = 3.66", spike(3.75, 0.30, 10, 10, 1.75), false),
        Arguments.of("min ratio 3.0 = ratio", spike(3.75, 0.10, 10, 10, 3.0), true),
        Arguments.of("min ratio 3.1 > ratio 3", spike(3.75, 0.10, 10, 10, 3.1), false),
        Arguments.of("min volume 20,000 = baseline", spike(3.75, 0.10, 20_000, 10, 1.75), true),
        Arguments.of("min volume 20,001 > baseline", spike(3.75, 0.10, 20_001, 10, 1.75), false),
        Arguments.of("min increase 40,000 = excess", spike(3.75, 0.10, 10, 40_000, 1.75), true),
        Arguments.of("min increase 40,001 > excess", spike(3.75, 0.10, 10, 40_001, 1.75), false),
        Arguments.of("disabled", spike(false, S.category(), 3.75, 0.10, 10, 10, 1.75), false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("settings")
  void eachSettingMovesItsThreshold(String name, SpikeSettings s, boolean fires) {
    List<Finding> got = judged(history(SPIKE_X3_ON_FRIDAY), FRIDAY, with(s));
    assertEquals(fires ? 1 : 0, got.size(), got.toString());
  }

  @Test
  void anUnknownDayIsNotJudgedEvenWhenDisabled() {
    // Not judged (empty) keeps an ongoing alert; judged without findings (disabled) resolves it.
    PackageHistory h = new PackageHistory();
    overall(SPIKE_X3_ON_FRIDAY).stream().filter(r -> !r.date().equals(START.plusDays(FRIDAY)))
        .forEach(h::put);
    assertEquals(Optional.empty(), evaluate(h, null, FRIDAY, DEFAULTS));
    SpikeSettings off = spike(false, S.category(), S.z(), S.scaleFloor(), S.minVolume(),
        S.minIncrease(), S.minRatio());
    assertEquals(Optional.empty(), evaluate(h, null, FRIDAY, with(off)));
    assertEquals(Optional.of(List.of()), evaluate(h, null, FRIDAY + 1, with(off)));
  }

  @Test
  void unknownSameWeekdaysAreLeftOutUntilTooFewRemain() {
    // Three of the six previous Fridays unknown: the other three still make the weekday median
    // (20,000), same evidence. Four unknown: two remain (< 3), so the cold-start estimate is used:
    // the last 28 days have 16 weekdays at 20,000 and 8 weekend days at 12,000, median 20,000,
    // residual MAD 0 → noise 0.10; z 10.99 > 3.5 + 1 still fires, but against "the recent median".
    Finding three = judged(withoutDays(SPIKE_X3_ON_FRIDAY, 93, 86, 79), FRIDAY, DEFAULTS).get(0);
    assertEquals(20_000, three.expected(), ALLOWED_ERROR);
    assertEquals(SPIKE_X3_SCORE, three.score(), ALLOWED_ERROR);
    assertTrue(three.summary().endsWith("the usual Friday (20,000)"), three.summary());
    Finding four = judged(withoutDays(SPIKE_X3_ON_FRIDAY, 93, 86, 79, 72), FRIDAY, DEFAULTS).get(0);
    assertEquals(20_000, four.expected(), ALLOWED_ERROR);
    assertEquals(SPIKE_X3_SCORE, four.score(), ALLOWED_ERROR);
    assertTrue(four.summary().endsWith("the recent median (20,000)"), four.summary());
  }

  private static PackageHistory withoutDays(IntToLongFunction f, int... days) {
    Set<LocalDate> unknown = Arrays.stream(days).mapToObj(START::plusDays).collect(toSet());
    PackageHistory h = new PackageHistory();
    overall(f).stream().filter(r -> !unknown.contains(r.date())).forEach(h::put);
    return h;
  }

  static Stream<Arguments> coldStart() {
    // 5,000 a day from day 0 and 7,500 on the day judged: z = ln(7501/5001)/0.10 = 4.05, ratio 1.5
    // (min ratio lowered to 1.25 so that z decides). A day's residual needs 3 earlier same
    // weekdays, so residuals exist from day 21 on: day 40 has 19 of them (< 20: cold start, the
    // 28-day median 5,000 and z 3.75 + 1 = 4.75 > 4.05), day 41 has 20 (seasonal, 4.05 > 3.75).
    return Stream.of(Arguments.of(40, false), Arguments.of(41, true));
  }

  @ParameterizedTest(name = "day {0} fires: {1}")
  @MethodSource("coldStart")
  void aColdStartNeedsOneMoreNoiseUnit(int day, boolean fires) {
    IntToLongFunction f = i -> i == day ? 7_500 : 5_000;
    List<Finding> got = judged(history(f), day, with(spike(3.75, 0.10, 10, 10, 1.25)));
    assertEquals(fires ? 1 : 0, got.size(), got.toString());
    if (fires) {
      assertEquals(Math.log(7_501.0 / 5_001.0) / 0.10, got.get(0).score(), ALLOWED_ERROR);
    }
  }

  @Test
  void fewerThan14KnownDaysIsQuietThenTheRecentMedianSpeaks() {
    // Day 13 has 13 known days before it (< 14): no estimate at all, even for x10. Day 14 has 14:
    // median 5,000, noise 0.10, z = ln(50001/5001)/0.10 = 23.02 > 4.75.
    assertEquals(List.of(), judged(history(i -> i == 13 ? 50_000 : 5_000), 13, DEFAULTS));
    Finding f = judged(history(i -> i == 14 ? 50_000 : 5_000), 14, DEFAULTS).get(0);
    assertEquals(5_000, f.expected(), ALLOWED_ERROR);
    assertEquals(Math.log(50_001.0 / 5_001.0) / 0.10, f.score(), ALLOWED_ERROR); // 23.02
    assertTrue(f.summary().endsWith("10.0x the recent median (5,000)"), f.summary());
  }

  static Stream<Arguments> reference() {
    // The reference is 1,000,000 a day (noise = the floor) and R on day 100. It "surges too" if
    // R >= 1,000,000 / 0.85 = 1,176,471 and ln((R+1)/1000001) / floor > 3.5.
    return Stream.of(
        Arguments.of("x1.5: z 4.05 > 3.5", 1_500_000L, 0.10, 0.85, true),
        Arguments.of("x1.4: z 3.36 < 3.5", 1_400_000L, 0.10, 0.85, false),
        Arguments.of("floor 0.02, x1.2: z 9.12, ratio >= 1/0.85", 1_200_000L, 0.02, 0.85, true),
        Arguments.of("floor 0.02, x1.15: z 6.99, ratio < 1/0.85", 1_150_000L, 0.02, 0.85, false),
        Arguments.of("floor 0.02, x1.2, max ratio 0.8: needs x1.25", 1_200_000L, 0.02, 0.80, false),
        Arguments.of("no reference that day", -1L, 0.10, 0.85, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("reference")
  void aSurgeTheReferenceShowsTooIsNotReported(String name, long r, double floor,
      double referenceMaxRatio, boolean suppressed) {
    PackageHistory ref = r < 0 ? withoutDays(i -> 1_000_000, FRIDAY)
        : history(i -> i == FRIDAY ? r : 1_000_000);
    DropSettings d = DropSettings.DEFAULTS;
    RuleSettings s = new RuleSettings(spike(3.75, floor, 10, 10, 1.75),
        new DropSettings(d.enabled(), d.z(), d.days(), d.maxRatio(), d.minVolume(),
            d.referencePackage(), referenceMaxRatio, d.holidays(), d.holidayMaxRatio(),
            d.cooldown()),
        DEFAULTS.pythonShift(), DEFAULTS.osShift(), DEFAULTS.milestone(), DEFAULTS.trend());
    // The package's own x3 spike: z = 1.0986 / floor, far above 3.5 at either floor.
    List<Finding> got = evaluate(history(SPIKE_X3_ON_FRIDAY), ref, FRIDAY, s).orElseThrow();
    assertEquals(suppressed ? 0 : 1, got.size(), got.toString());
  }

  static Stream<Arguments> mirrors() {
    // with_mirrors is 25,000 a day and 65,000 on day 100: excess 40,000. without_mirrors is 20,000
    // a day and W on day 100; the spike is a mirror sync unless W - 20,000 >= 40,000 / 2.
    return Stream.of(
        Arguments.of("no excess without mirrors", 20_000L, false),
        Arguments.of("excess 19,999 < half", 39_999L, false),
        Arguments.of("excess 20,000 = half", 40_000L, true),
        Arguments.of("excess 40,000: all of it", 60_000L, true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mirrors")
  void withMirrorsASpikeThatIsMostlyMirrorTrafficIsNotReported(String name, long without,
      boolean reported) {
    PackageHistory h = history(i -> i == FRIDAY ? without : 20_000);
    for (int i = 0; i < RulesTesting.DAYS; i++) {
      h.put(new DownloadRecord(PKG, Endpoint.OVERALL, Categories.WITH_MIRRORS, START.plusDays(i),
          i == FRIDAY ? 65_000 : 25_000));
    }
    RuleSettings s = with(spike(true, Categories.WITH_MIRRORS, 3.75, 0.10, 10, 10, 1.75));
    List<Finding> got = judged(h, FRIDAY, s);
    assertEquals(reported ? 1 : 0, got.size(), got.toString());
    if (reported) {
      Finding f = got.get(0);
      assertEquals("spike:pip:overall:with_mirrors", f.fingerprint());
      assertEquals(65_000, f.observed(), ALLOWED_ERROR);
      assertEquals(25_000, f.expected(), ALLOWED_ERROR);
      assertEquals(Math.log(65_001.0 / 25_001.0) / 0.10, f.score(), ALLOWED_ERROR); // 9.55
    }
  }

  @Test
  void aPackageAtANewLevelIsJudgedAgainstIt() {
    // FLAT_WEEKLY_20K (20,000 weekdays, 12,000 weekends) at three times from day 80: on Friday day
    // 100 the six-week weekday median is still the old 20,000 (2 of 6 Fridays are new), but every
    // one of the 14 days before is at three times its weekday baseline: the recent level moves the
    // baseline to ~60,000 (the lower quartile is a weekend day: 20001 x 36001/12001 - 1).
    IntToLongFunction tripled = i -> RulesTesting.FLAT_WEEKLY_20K.applyAsLong(i) * (i >= 80 ? 3 : 1);
    double level = 20_001.0 * 36_001 / 12_001 - 1;
    // 90,000 is 4.5x the weekday median but 1.5x the new level: no spike.
    assertEquals(List.of(), judged(history(i -> i == FRIDAY ? 90_000 : tripled.applyAsLong(i)),
        FRIDAY, DEFAULTS));
    // 240,000 is 4x the new level: a spike, reported against it.
    List<Finding> got = judged(history(i -> i == FRIDAY ? 240_000 : tripled.applyAsLong(i)),
        FRIDAY, DEFAULTS);
    assertEquals(1, got.size(), got.toString());
    assertEquals(level, got.get(0).expected(), 0.01);
    // And the other way: fallen to a third, a Friday back at the old 20,000 is 3x the new level.
    IntToLongFunction third = i -> RulesTesting.FLAT_WEEKLY_20K.applyAsLong(i) / (i >= 80 ? 3 : 1);
    got = judged(history(i -> i == FRIDAY ? 20_000 : third.applyAsLong(i)), FRIDAY, DEFAULTS);
    assertEquals(1, got.size(), got.toString());
    assertTrue(got.get(0).expected() < 7_000, got.toString());
  }
}
