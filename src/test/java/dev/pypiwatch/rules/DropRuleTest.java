package dev.pypiwatch.rules;

import static dev.pypiwatch.rules.RulesTesting.ALLOWED_ERROR;
import static dev.pypiwatch.rules.RulesTesting.FLAT_WEEKLY_20K;
import static dev.pypiwatch.rules.RulesTesting.HALF_FROM;
import static dev.pypiwatch.rules.RulesTesting.PKG;
import static dev.pypiwatch.rules.RulesTesting.START;
import static dev.pypiwatch.rules.RulesTesting.WEEK_AT_HALF;
import static dev.pypiwatch.rules.RulesTesting.WEEK_AT_HALF_SCORE;
import static dev.pypiwatch.rules.RulesTesting.overall;
import static dev.pypiwatch.rules.RulesTesting.weekAt;
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

/** {@link DropRule} on hand-worked series: window, thresholds, holes, cold start, holidays, reference. */
class DropRuleTest {
  private static final DropRule RULE = new DropRule();
  /**
   * The settings the cases below were worked out by hand at (z 2.75, <= 65%, holidays at 40%): the
   * defaults before the calibration on real series; the mechanics do not depend on them, and
   * {@link #theDefaultsAreTheDocumentedOnes} checks the defaults themselves.
   */
  private static final DropSettings D = new DropSettings(true, 2.75, 5, 0.65, 20, "__all__", 0.85,
      Holidays.DEFAULTS, 0.40, Duration.ofDays(7));
  private static final SpikeSettings S = SpikeSettings.DEFAULTS;
  private static final RuleSettings DEFAULTS = new RuleSettings(S, D,
      RuleSettings.DEFAULTS.pythonShift(), RuleSettings.DEFAULTS.osShift(),
      RuleSettings.DEFAULTS.milestone(), RuleSettings.DEFAULTS.trend());
  /** The day WEEK_AT_HALF is first a drop: the window 84-88 has four low days. */
  private static final int FIRST_LOW_WINDOW = HALF_FROM + 3;
  /**
   * WEEK_AT_HALF's window on its 4th low day: Wed 20,000 (normal), Thu 10,000, Fri 10,000, Sat
   * 6,000, Sun 6,000 against 20,000 x 3 + 12,000 x 2: 52,000 / 84,000 = 0.619 <= 0.65.
   */
  private static final double HALF_OBSERVED = 52_000;
  private static final double HALF_EXPECTED = 84_000;
  /** A window of five days at half: each clipped residual ln(1/2), z = 0.693 sqrt 5 / 0.10. */
  private static final double ALL_HALF_SCORE =
      -(3 * Math.log(10_001.0 / 20_001.0) + 2 * Math.log(6_001.0 / 12_001.0)) / 5 * Math.sqrt(5)
          / 0.10;
  /**
   * Weeks alternate between 20,000 and 40,000 a day, anchored so that the 56 days before day 105
   * are 28 + 28: baseline (20,000 + 40,000) / 2 = 30,000 for every day from 42 on, noise 1.4826 x
   * ln(40001/20001) / 2 = 0.513811 (residual median at the midpoint, every deviation half the gap).
   */
  private static final int NOISY_FROM = 105;
  private static final double NOISY_NOISE = 1.4826 * Math.log(40_001.0 / 20_001.0) / 2;

  private static long alternating(int i) {
    return Math.floorMod(Math.floorDiv(NOISY_FROM - 1 - i, 7), 2) == 0 ? 20_000 : 40_000;
  }

  private static PackageHistory history(IntToLongFunction f, int... unknown) {
    Set<LocalDate> holes = Arrays.stream(unknown).mapToObj(START::plusDays).collect(toSet());
    PackageHistory h = new PackageHistory();
    overall(f).stream().filter(r -> !holes.contains(r.date())).forEach(h::put);
    return h;
  }

  private static Optional<List<Finding>> evaluate(PackageHistory h, PackageHistory reference,
      int day, RuleSettings s) {
    return RULE.evaluate(new Rule.Day(PKG, h, reference, START.plusDays(day), s));
  }

  private static List<Finding> judged(PackageHistory h, int day, RuleSettings s) {
    return evaluate(h, null, day, s).orElseThrow(() -> new AssertionError("not judged"));
  }

  private static RuleSettings with(SpikeSettings spike, DropSettings drop) {
    RuleSettings d = DEFAULTS;
    return new RuleSettings(spike, drop, d.pythonShift(), d.osShift(), d.milestone(), d.trend());
  }

  private static RuleSettings with(DropSettings drop) {
    return with(S, drop);
  }

  private static DropSettings drop(boolean enabled, double z, int days, double maxRatio,
      long minVolume) {
    return new DropSettings(enabled, z, days, maxRatio, minVolume, D.referencePackage(),
        D.referenceMaxRatio(), D.holidays(), D.holidayMaxRatio(), D.cooldown());
  }

  private static DropSettings drop(Holidays holidays, double holidayMaxRatio,
      double referenceMaxRatio) {
    return new DropSettings(D.enabled(), D.z(), D.days(), D.maxRatio(), D.minVolume(),
        D.referencePackage(), referenceMaxRatio, holidays, holidayMaxRatio, D.cooldown());
  }

  private static SpikeSettings floor(double scaleFloor) {
    return new SpikeSettings(S.enabled(), S.category(), S.z(), S.weeks(), scaleFloor,
        S.minVolume(), S.minIncrease(), S.minRatio(), S.cooldown());
  }

  @Test
  void aWeekAtHalfFiresOnItsFourthLowDayWithHandCheckedEvidence() {
    // Noise from before the window (day 84): every residual 0, so the floor 0.10. Clipped
    // residuals: 0, 4 x ln(1/2); z = 4 x 0.693 / 5 x sqrt 5 / 0.10 = 12.40 > 3.5, >= 7 → CRITICAL.
    Finding f = judged(history(WEEK_AT_HALF), FIRST_LOW_WINDOW, DEFAULTS).get(0);
    assertEquals("drop:pip:overall:without_mirrors", f.fingerprint());
    assertEquals("drop", f.rule());
    assertEquals("overall", f.series());
    assertEquals(Categories.WITHOUT_MIRRORS, f.category());
    assertEquals(HALF_OBSERVED, f.observed(), ALLOWED_ERROR);
    assertEquals(HALF_EXPECTED, f.expected(), ALLOWED_ERROR);
    assertEquals(WEEK_AT_HALF_SCORE, f.score(), ALLOWED_ERROR);
    assertEquals(12.3982, f.score(), 1e-4);
    assertEquals(Severity.CRITICAL, f.severity());
    assertEquals("pip: downloads fell to 62% of the usual over the 5 known days 2026-03-18 to"
        + " 2026-03-22 (Sun) (52,000 vs 84,000 expected)", f.summary());
    assertEquals(Set.of("drop:overall"), RULE.scopes());
  }

  static Stream<Arguments> weekAtHalfDayByDay() {
    // Days 85-91 (Thu-Wed) at half. Each day's window is its last 5 days; ratio = sums; z from the
    // clipped residuals (ln(1/2) per low day) over the floor 0.10: k low days → k x 0.693 / sqrt 5
    // / 0.10 = 3.10 k.
    return Stream.of(
        Arguments.of(86, 0.8, false), // 2 low days: 80,000 / 100,000
        Arguments.of(87, 66.0 / 92, false), // 3 low days (z 9.30): 0.717 > 0.65
        Arguments.of(88, 52.0 / 84, true), // 4 low days: 0.619, z 12.40
        Arguments.of(89, 0.5, true), // 5 low days: z 15.50
        Arguments.of(91, 0.5, true),
        Arguments.of(92, 56.0 / 92, true), // Thu back to normal, 4 low days left: 0.609
        Arguments.of(93, 0.7, false), // 3 low weekdays left (z 9.30): 70,000 / 100,000
        Arguments.of(94, 72.0 / 92, false)); // 2 low days left: 0.783
  }

  @ParameterizedTest(name = "day {0}: ratio {1}, fires {2}")
  @MethodSource("weekAtHalfDayByDay")
  void aWeekAtHalfDayByDay(int day, double ratio, boolean fires) {
    List<Finding> got = judged(history(WEEK_AT_HALF), day, DEFAULTS);
    assertEquals(fires ? 1 : 0, got.size(), got.toString());
    if (fires) {
      assertEquals(ratio, got.get(0).observed() / got.get(0).expected(), ALLOWED_ERROR);
    }
  }

  static Stream<Arguments> noisySeries() {
    // On the alternating series (baseline 30,000, noise 0.5138), days 105-109 replaced.
    return Stream.of(
        // Ratio 0.6 but z = ln(30001/18001) sqrt 5 / 0.5138 = 2.22 < 3.5.
        Arguments.of("five days at 18,000", new long[] {18_000, 18_000, 18_000, 18_000, 18_000},
            Double.NaN, null),
        // z = ln(30001/3001) sqrt 5 / 0.5138 = 10.02 >= 7.
        Arguments.of("five days at 3,000", new long[] {3_000, 3_000, 3_000, 3_000, 3_000},
            10.0194, Severity.CRITICAL),
        // One good day does not hide a fall: ratio 87,000 / 150,000 = 0.58; clipped, z = 4 x
        // ln(30001/10501) / 5 x sqrt 5 / 0.5138 = 3.655 > 2.75 (unclipped, the 45,000 day would pull
        // it to 3.30). The sum counts the good day at its baseline: ln(150,000 / 72,000) sqrt 5 /
        // 0.5138 = 3.19 > 2.75 (uncapped, 87,000 would give 2.37 and hide the fall).
        Arguments.of("four days at 10,500 and one at 45,000",
            new long[] {10_500, 10_500, 45_000, 10_500, 10_500}, 3.6548, Severity.WARNING),
        // Two days near zero among ordinary ones: the days' logs fall by 2 x ln(30001/1001) / 5 x
        // sqrt 5 / 0.5138 = 5.92 noise units, the downloads by ln(150,000 / 92,000) sqrt 5 / 0.5138
        // = 2.13 < 2.75 (ratio 0.61 <= 0.65): within the noise of a noisy package's 5-day sum, no
        // drop (the near-zero days of small packages, not a fall of their downloads).
        Arguments.of("two days near zero among three ordinary ones",
            new long[] {30_000, 1_000, 30_000, 1_000, 30_000}, Double.NaN, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("noisySeries")
  void aNoisySeriesNeedsADeeperFallAndRisesAreClipped(String name, long[] window, double score,
      Severity severity) {
    IntToLongFunction f = i -> i >= NOISY_FROM && i < NOISY_FROM + 5 ? window[i - NOISY_FROM]
        : alternating(i);
    List<Finding> got = judged(history(f), NOISY_FROM + 4, DEFAULTS);
    if (severity == null) {
      assertEquals(List.of(), got);
      return;
    }
    assertEquals(1, got.size(), got.toString());
    assertEquals(score, got.get(0).score(), 1e-4);
    assertEquals(5 * 30_000, got.get(0).expected(), ALLOWED_ERROR);
    assertEquals(Arrays.stream(window).sum(), got.get(0).observed(), ALLOWED_ERROR);
    assertEquals(severity, got.get(0).severity());
    // The noise unit is the hand-computed one.
    double clipped = Arrays.stream(window)
        .mapToDouble(x -> Math.min(0, Math.log((x + 1.0) / 30_001))).sum();
    assertEquals(-clipped / 5 * Math.sqrt(5) / NOISY_NOISE, got.get(0).score(), ALLOWED_ERROR);
  }

  @Test
  void theWindowsSumIsScoredInTheNoiseUnitOfADaysMean() {
    // WEEK_AT_HALF on day 88: no day above its baseline, so the capped sum is the sum: ln(84,000 /
    // 52,000) x sqrt 5 / 0.10 (the floor).
    DropRule.Window w = DropRule.window(history(WEEK_AT_HALF).series(Endpoint.OVERALL, S.category()),
        START.plusDays(88), 5, S, Holidays.NONE).orElseThrow();
    assertEquals(Math.log(HALF_EXPECTED / HALF_OBSERVED) * Math.sqrt(5) / 0.10, w.sumScore(), 1e-6);
    assertEquals(10.7235, w.sumScore(), 1e-4);
    assertEquals(WEEK_AT_HALF_SCORE, w.score(), ALLOWED_ERROR);
    // A good day counts at most at its baseline: on the alternating series (baseline 30,000), four
    // days at 10,500 and one at 45,000 sum to 72,000 capped (87,000 observed).
    long[] days = {10_500, 10_500, 45_000, 10_500, 10_500};
    IntToLongFunction f = i -> i >= NOISY_FROM && i < NOISY_FROM + 5 ? days[i - NOISY_FROM]
        : alternating(i);
    DropRule.Window noisy = DropRule.window(history(f).series(Endpoint.OVERALL, S.category()),
        START.plusDays(NOISY_FROM + 4), 5, S, Holidays.NONE).orElseThrow();
    assertEquals(87_000, noisy.observed(), ALLOWED_ERROR);
    assertEquals(Math.log(150_000.0 / 72_000) * Math.sqrt(5) / NOISY_NOISE, noisy.sumScore(),
        ALLOWED_ERROR);
  }

  static Stream<Arguments> settings() {
    // WEEK_AT_HALF: day 88 window ratio 0.619, z 12.40, mean baseline 84,000 / 5 = 16,800; day 87
    // window ratio 0.717, z 9.30; with 3 days, day 87's window (Thu-Sat) is all low: ratio 0.5,
    // z = 0.693 sqrt 3 / 0.10 = 12.00.
    return Stream.of(
        Arguments.of("defaults, day 88", S, D, 88, true),
        // The window's sum is the binding score here: ln(84,000 / 52,000) sqrt 5 / 0.10 = 10.72
        // (the days' clipped logs 12.40, Jensen: the log of a sum is at most the mean of the logs).
        Arguments.of("z 10.7 < 10.72", S, drop(true, 10.7, 5, 0.65, 20), 88, true),
        Arguments.of("z 10.8 > 10.72 (< 12.40 of the days' logs)", S, drop(true, 10.8, 5, 0.65, 20),
            88, false),
        Arguments.of("z 12.5 > 12.40", S, drop(true, 12.5, 5, 0.65, 20), 88, false),
        Arguments.of("max ratio 0.62 >= 0.619", S, drop(true, 3.5, 5, 0.62, 20), 88, true),
        Arguments.of("max ratio 0.61 < 0.619", S, drop(true, 3.5, 5, 0.61, 20), 88, false),
        Arguments.of("min volume 16,800 = mean baseline", S, drop(true, 3.5, 5, 0.65, 16_800), 88,
            true),
        Arguments.of("min volume 16,801", S, drop(true, 3.5, 5, 0.65, 16_801), 88, false),
        Arguments.of("spike floor 0.38: sum z 10.72 / 3.8 = 2.82 > 2.75", floor(0.38), D, 88, true),
        Arguments.of("spike floor 0.40: sum z 10.72 / 4.0 = 2.68 < 2.75", floor(0.40), D, 88, false),
        Arguments.of("spike floor 0.45: days' z 12.40 / 4.5 = 2.76, sum's 2.38 < 2.75", floor(0.45),
            D, 88, false),
        Arguments.of("disabled", S, drop(false, 3.5, 5, 0.65, 20), 88, false),
        Arguments.of("defaults, day 87", S, D, 87, false),
        Arguments.of("max ratio 0.72, day 87", S, drop(true, 3.5, 5, 0.72, 20), 87, true),
        Arguments.of("3 days, day 87", S, drop(true, 3.5, 3, 0.65, 20), 87, true),
        Arguments.of("3 days, day 86: Thu-Fri low, Wed not: 40,000/60,000", S,
            drop(true, 3.5, 3, 0.65, 20), 86, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("settings")
  void eachSettingMovesItsThreshold(String name, SpikeSettings spike, DropSettings drop, int day,
      boolean fires) {
    List<Finding> got = judged(history(WEEK_AT_HALF), day, with(spike, drop));
    assertEquals(fires ? 1 : 0, got.size(), got.toString());
  }

  @Test
  void threeDaysWindowCarriesItsOwnEvidence() {
    // Thu 10,000 + Fri 10,000 + Sat 6,000 vs 20,000 + 20,000 + 12,000: z = ln 2 sqrt 3 / 0.10.
    Finding f = judged(history(WEEK_AT_HALF), 87, with(drop(true, 3.5, 3, 0.65, 20))).get(0);
    assertEquals(26_000, f.observed(), ALLOWED_ERROR);
    assertEquals(52_000, f.expected(), ALLOWED_ERROR);
    double z = -(2 * Math.log(10_001.0 / 20_001.0) + Math.log(6_001.0 / 12_001.0)) / 3
        * Math.sqrt(3) / 0.10;
    assertEquals(z, f.score(), ALLOWED_ERROR);
    assertEquals(12.0046, f.score(), 1e-4);
  }

  static Stream<Arguments> severities() {
    // 20,000 a day, days 90-94 at x; z = ln(20001/(x+1)) sqrt 5 / floor. CRITICAL at z >= 7 or
    // ratio <= 0.25.
    return Stream.of(
        Arguments.of("30% at floor 0.6: z 4.49", 0.6, 6_000L, 4.4865, Severity.WARNING),
        Arguments.of("25% at floor 0.6: z 5.17, ratio 0.25", 0.6, 5_000L, 5.1659, Severity.CRITICAL),
        Arguments.of("50% at floor 0.1: z 15.50", 0.1, 10_000L, 15.4981, Severity.CRITICAL),
        Arguments.of("35% at floor 0.6: z 3.91, ratio 0.35", 0.6, 7_000L, 3.9121, Severity.WARNING));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("severities")
  void severityIsCriticalAtTwiceZOrAQuarter(String name, double floor, long x, double score,
      Severity severity) {
    IntToLongFunction f = i -> i >= 90 && i <= 94 ? x : 20_000;
    Finding got = judged(history(f), 94, with(floor(floor), D)).get(0);
    assertEquals(Math.log(20_001.0 / (x + 1)) * Math.sqrt(5) / floor, got.score(), ALLOWED_ERROR);
    assertEquals(score, got.score(), 1e-4);
    assertEquals(severity, got.severity());
  }

  static Stream<Arguments> minVolume() {
    // A fall to 5 a day for 5 days: ratio 0.25-0.26, z ~27; only the 20/day floor decides.
    return Stream.of(Arguments.of(20L, true), Arguments.of(19L, false));
  }

  @ParameterizedTest(name = "{0} a day: fires {1}")
  @MethodSource("minVolume")
  void aSmallPackageIsBelowTheVolumeFloor(long level, boolean fires) {
    IntToLongFunction f = i -> i >= 90 && i <= 94 ? 5 : level;
    assertEquals(fires ? 1 : 0, judged(history(f), 94, DEFAULTS).size());
  }

  @Test
  void anUnknownDayIsNotJudged() {
    assertEquals(Optional.empty(), evaluate(history(WEEK_AT_HALF, 88), null, 88, DEFAULTS));
    assertEquals(Optional.empty(),
        evaluate(history(WEEK_AT_HALF, 88), null, 88, with(drop(false, 3.5, 5, 0.65, 20))));
  }

  @Test
  void tooFewKnownDaysAbstain() {
    // Days 86-90 unknown: day 91's reach (91 back to 83) holds 4 known days (91, 85, 84, 83), one
    // short of the window: no verdict (empty), not "judged, no drop" (which resolves a drop).
    assertEquals(Optional.empty(), evaluate(history(WEEK_AT_HALF, 86, 87, 88, 89, 90), null, 91,
        DEFAULTS));
    // With 4 unknown days the reach still finds 5 known days (91, 90, 85, 84, 83): judged.
    assertEquals(true, evaluate(history(WEEK_AT_HALF, 86, 87, 88, 89), null, 91, DEFAULTS)
        .isPresent());
  }

  @Test
  void aLongHoleInsideADropNeitherResolvesNorRefiresIt() {
    // Downloads fall to 30% from day 85 for good; days 90-94 are unknown (an upstream outage).
    // Day 95 sees 4 known days in its reach: before the fix it judged "no drop" and resolved the
    // drop, which fired again (or was suppressed by the cooldown) from day 96 on.
    IntToLongFunction fall = i -> Math.round(FLAT_WEEKLY_20K.applyAsLong(i) * (i >= 85 ? 0.3 : 1));
    RuleEngine engine = new RuleEngine(RulesConfig.DEFAULTS);
    overall(fall).stream()
        .filter(r -> !r.date().isAfter(START.plusDays(100)))
        .filter(r -> r.date().isBefore(START.plusDays(90)) || r.date().isAfter(START.plusDays(94)))
        .forEach(engine::record);
    List<dev.pypiwatch.events.Alert> drops = engine.evaluateThrough(PKG, START.plusDays(100))
        .stream().filter(a -> a.rule().equals(DropRule.NAME)).toList();
    assertEquals(1, drops.size(), drops.toString());
    assertEquals(dev.pypiwatch.events.AlertState.FIRING, drops.get(0).state());
  }

  @Test
  void aWindowOverAHoleReachesBackAndNeedsOneMoreNoiseUnit() {
    // Day 86 unknown: day 89's known days are 89, 88, 87, 85, 84 (a Wednesday at 20,000 again):
    // the same 52,000 / 84,000 and z 12.40 as day 88 without the hole, but over a skipped day.
    PackageHistory holed = history(WEEK_AT_HALF, 86);
    Finding f = judged(holed, 89, DEFAULTS).get(0);
    assertEquals(HALF_OBSERVED, f.observed(), ALLOWED_ERROR);
    assertEquals(HALF_EXPECTED, f.expected(), ALLOWED_ERROR);
    assertEquals(WEEK_AT_HALF_SCORE, f.score(), ALLOWED_ERROR);
    // At z 10 the full data fires (sum 10.72 and days 12.40 > 10) but the holed window needs 11.
    RuleSettings z10 = with(drop(true, 10, 5, 0.65, 20));
    assertEquals(1, judged(history(WEEK_AT_HALF), 88, z10).size());
    assertEquals(List.of(), judged(holed, 89, z10));
  }

  @Test
  void aColdStartIsQuiet() {
    // 5,000 a day from day 0, 2,500 from day 40. Residuals exist from day 21 (3 earlier same
    // weekdays); the noise comes from the window's first day: day 44's window starts on day 40
    // (19 residuals: cold start, quiet), day 45's on day 41 (20: seasonal). Then all five days are
    // at half: z = ln(5001/2501) sqrt 5 / 0.10 = 15.49.
    IntToLongFunction f = i -> i >= 40 ? 2_500 : 5_000;
    assertEquals(List.of(), judged(history(f), 44, DEFAULTS));
    Finding f45 = judged(history(f), 45, DEFAULTS).get(0);
    assertEquals(Math.log(5_001.0 / 2_501.0) * Math.sqrt(5) / 0.10, f45.score(), ALLOWED_ERROR);
    assertEquals(0.5, f45.observed() / f45.expected(), ALLOWED_ERROR);
  }

  static Stream<Arguments> holidays() {
    // "unjudged": a holiday window whose fall is too shallow neither fires nor resolves.
    IntToLongFunction half = WEEK_AT_HALF;
    IntToLongFunction at30 = weekAt(HALF_FROM, 0.3);
    Holidays friday = Holidays.parse(List.of("2026-03-20")); // day 86
    Holidays week = Holidays.parse(List.of("2026-03-19..2026-03-25")); // days 85-91
    return Stream.of(
        // Day 88's window 84-88 holds the holiday. Without it (84, 83 back in): 62,000 / 84,000 =
        // 0.738, no fall; with Friday expected at the weekend level, 52,000 / 76,000 = 0.684; the
        // full window's 0.619 is above 0.40.
        Arguments.of("half, one holiday, day 88", friday, 0.40, half, 88, "unjudged"),
        Arguments.of("no holidays, day 88", Holidays.NONE, 0.40, half, 88, "fires"),
        // Day 89 without the holiday: 89, 88, 87, 85, 84 = 52,000 / 84,000, z 12.40: a drop.
        Arguments.of("half, one holiday, day 89", friday, 0.40, half, 89, "fires"),
        // The whole week a holiday: the ordinary days show nothing; at the weekend level (12,000
        // for the holiday weekdays) 42,000 / 60,000 = 0.70; the full window's 0.5 > 0.40.
        Arguments.of("half, holiday week, day 89", week, 0.40, half, 89, "unjudged"),
        Arguments.of("half, holiday max ratio 0.5", week, 0.50, half, 89, "fires"),
        Arguments.of("half, holiday max ratio 0.49", week, 0.49, half, 89, "unjudged"),
        // At 30%: day 88's window, holiday days expected at the weekend level (12,000): 39,200 /
        // (20,000 + 4 x 12,000) = 0.576 <= 0.65, a drop (against the weekday baselines, 0.467,
        // it would not be deep enough); day 89's 25,200 / 60,000 = 0.42.
        Arguments.of("30%, holiday week, day 88", week, 0.40, at30, 88, "fires"),
        Arguments.of("30%, holiday week, day 89", week, 0.40, at30, 89, "fires"),
        // At 55% the holiday weekdays (11,000) are near the weekend level: day 89's window is
        // 11,000 x 3 + 6,600 x 2 = 46,200 / 60,000 = 0.77; 0.55 > 0.40 too.
        Arguments.of("55%, holiday week, day 89", week, 0.40, weekAt(HALF_FROM, 0.55), 89, "unjudged"),
        // Not even an ordinary drop (day 87: 0.717): judged, nothing found, whatever the calendar.
        Arguments.of("half, holiday week, day 87", week, 0.40, half, 87, "quiet"),
        // The default calendar: days 99-105 are Thu 04-02 to Wed 04-08, Good Friday to Easter Monday
        // on 100-103. Day 102's ordinary days 99, 98, 97, 96, 95 hold one low day; 0.5 > 0.40.
        Arguments.of("half over Easter, day 102", Holidays.DEFAULTS, 0.40, weekAt(99, 0.5), 102, "unjudged"));
  }

  @ParameterizedTest(name = "{0}: {5}")
  @MethodSource("holidays")
  void aHolidayWindowNeedsTheOrdinaryDaysOrADeeperFall(String name, Holidays calendar,
      double holidayMaxRatio, IntToLongFunction series, int day, String verdict) {
    Optional<List<Finding>> got = evaluate(history(series), null, day,
        with(drop(calendar, holidayMaxRatio, D.referenceMaxRatio())));
    switch (verdict) {
      case "unjudged" -> assertEquals(Optional.empty(), got);
      case "quiet" -> assertEquals(Optional.of(List.of()), got);
      default -> assertEquals(1, got.orElseThrow().size(), got.toString());
    }
  }

  @Test
  void aHolidayDropReportsTheWindowThatShowsIt() {
    // Ordinary days: the window without the holiday (first day 84, as in the no-hole day 88).
    Holidays friday = Holidays.parse(List.of("2026-03-20"));
    Finding ordinary = judged(history(WEEK_AT_HALF), 89,
        with(drop(friday, 0.40, D.referenceMaxRatio()))).get(0);
    assertEquals(HALF_OBSERVED, ordinary.observed(), ALLOWED_ERROR);
    assertEquals(HALF_EXPECTED, ordinary.expected(), ALLOWED_ERROR);
    assertEquals(WEEK_AT_HALF_SCORE, ordinary.score(), ALLOWED_ERROR);
    // At the weekend level: the window 85-89 at 30%, every day expected at 12,000: 25,200 /
    // 60,000; clipped residuals 3 x ln(6,001 / 12,001) + 2 x ln(3,601 / 12,001).
    Holidays week = Holidays.parse(List.of("2026-03-19..2026-03-25"));
    Finding weekend = judged(history(weekAt(HALF_FROM, 0.3)), 89,
        with(drop(week, 0.40, D.referenceMaxRatio()))).get(0);
    assertEquals(25_200, weekend.observed(), ALLOWED_ERROR);
    assertEquals(60_000, weekend.expected(), ALLOWED_ERROR);
    double z = -(3 * Math.log(6_001.0 / 12_001.0) + 2 * Math.log(3_601.0 / 12_001.0)) / 5
        * Math.sqrt(5) / 0.10;
    assertEquals(z, weekend.score(), ALLOWED_ERROR);
    // Deep fall: weekends at 2,000 (a package used at work), so a holiday weekday is expected at
    // 2,000 and the week at 30% (6,000 on weekdays) is no fall from there; the full window against
    // the weekday baselines, (6,000 x 3 + 600 x 2) / (20,000 x 3 + 2,000 x 2) = 0.30 <= 0.40, is.
    IntToLongFunction quietWeekends = i -> RulesTesting.weekend(i) ? 2_000 : 20_000;
    IntToLongFunction fall = i -> Math.round(quietWeekends.applyAsLong(i)
        * (i >= HALF_FROM && i < HALF_FROM + 7 ? 0.3 : 1));
    Finding deep = judged(history(fall), 89, with(drop(week, 0.40, D.referenceMaxRatio()))).get(0);
    assertEquals(19_200, deep.observed(), ALLOWED_ERROR);
    assertEquals(64_000, deep.expected(), ALLOWED_ERROR);
  }

  static Stream<Arguments> reference() {
    // The package is FLAT_WEEKLY_20K with days 85-91 at factor f, the reference the same x 1,000 at
    // factor r. Day 88's windows (84-88): the package's p = (20,000 + f x 64,000) / 84,000, the
    // reference's (20,000 + r x 64,000) / 84,000; at most the reference max ratio means an
    // upstream incident, which suppresses the drop while p / ref is above max-ratio (0.65 here).
    return Stream.of(
        Arguments.of("reference at half: 0.619", 0.5, 0.5, 0.85, true),
        Arguments.of("reference at 80%: 0.848", 0.5, 0.8, 0.85, true),
        Arguments.of("reference at 85%: 0.886", 0.5, 0.85, 0.85, false),
        Arguments.of("reference steady: 1.0", 0.5, 1.0, 0.85, false),
        Arguments.of("reference at 85%, max ratio 0.9", 0.5, 0.85, 0.9, true),
        Arguments.of("reference at 80%, max ratio 0.84", 0.5, 0.8, 0.84, false),
        // A fall deeper than the reference's is the package's own.
        Arguments.of("package at 20% (0.390), reference at 80%: 0.46", 0.2, 0.8, 0.85, false),
        Arguments.of("package at 20% (0.390), reference at half: 0.63", 0.2, 0.5, 0.85, false),
        Arguments.of("package at 30% (0.467), reference at half: 0.75", 0.3, 0.5, 0.85, true));
  }

  @ParameterizedTest(name = "{0}, reference max ratio {3}: suppressed {4}")
  @MethodSource("reference")
  void aFallTheReferenceShowsTooIsNotReported(String name, double f, double r,
      double referenceMaxRatio, boolean suppressed) {
    IntToLongFunction week = weekAt(HALF_FROM, r);
    PackageHistory ref = history(i -> 1_000 * week.applyAsLong(i));
    List<Finding> got = evaluate(history(weekAt(HALF_FROM, f)), ref, FIRST_LOW_WINDOW,
        with(drop(D.holidays(), D.holidayMaxRatio(), referenceMaxRatio))).orElseThrow();
    assertEquals(suppressed ? 0 : 1, got.size(), got.toString());
  }

  @Test
  void aReferenceWithoutTheDayDoesNotSuppress() {
    PackageHistory ref = history(i -> 1_000 * WEEK_AT_HALF.applyAsLong(i), FIRST_LOW_WINDOW);
    assertEquals(1, evaluate(history(WEEK_AT_HALF), ref, FIRST_LOW_WINDOW, DEFAULTS)
        .orElseThrow().size());
  }

  @Test
  void theSpikeCategoryIsTheSeriesWatched() {
    // with_mirrors: the fall is there only; without_mirrors stays flat.
    PackageHistory h = history(FLAT_WEEKLY_20K);
    for (int i = 0; i < RulesTesting.DAYS; i++) {
      h.put(new DownloadRecord(PKG, dev.pypiwatch.events.Endpoint.OVERALL,
          Categories.WITH_MIRRORS, START.plusDays(i), WEEK_AT_HALF.applyAsLong(i)));
    }
    SpikeSettings mirrors = new SpikeSettings(true, Categories.WITH_MIRRORS, S.z(), S.weeks(),
        S.scaleFloor(), S.minVolume(), S.minIncrease(), S.minRatio(), S.cooldown());
    assertEquals(List.of(), judged(h, FIRST_LOW_WINDOW, DEFAULTS));
    Finding f = judged(h, FIRST_LOW_WINDOW, with(mirrors, D)).get(0);
    assertEquals("drop:pip:overall:with_mirrors", f.fingerprint());
    assertEquals(HALF_OBSERVED, f.observed(), ALLOWED_ERROR);
  }

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    // docs/detection.md: 5 days, z 2.75, <= 60%, >= 20/day, __all__ at 0.85, holidays at 40%, 7 days.
    assertEquals(new DropSettings(true, 2.75, 5, 0.60, 20, "__all__", 0.85,
        Holidays.parse(List.of("christmas", "thanksgiving", "easter")), 0.40, Duration.ofDays(7)),
        DropSettings.DEFAULTS);
    // At the defaults a week at half fires on its fifth low day (the fourth is 0.619 > 0.60).
    assertEquals(List.of(), judged(history(WEEK_AT_HALF), 88, RuleSettings.DEFAULTS));
    assertEquals(ALL_HALF_SCORE,
        judged(history(WEEK_AT_HALF), 89, RuleSettings.DEFAULTS).get(0).score(), ALLOWED_ERROR);
  }

  /**
   * Mon-Wed (days 82-84) at 6,000 (30% of 20,000), Thu 85 back at 20,000, Fri 86 unknown, Sat 87
   * 12,000 (its usual). On day 87 the window skips 86 and reaches back to three low days: 50,000 /
   * 92,000 = 0.54, z = 3 ln(6001/20001) / 5 x sqrt 5 / 0.10 = 16.15 > 2.75 + 1, a drop. With the
   * unknown Friday taken at its baseline the last 5 days 83-87 are 64,000 / 92,000 = 0.70 > 0.60:
   * no drop, as with the full data (Friday known at 20,000).
   */
  private static final IntToLongFunction FALL_THEN_BACK =
      i -> i >= 82 && i <= 84 ? 6_000 : FLAT_WEEKLY_20K.applyAsLong(i);

  @Test
  void aHoleCannotSwapAnOrdinaryDayForAnOlderLowOne() {
    Optional<DropRule.Window> skipping = DropRule.window(series(history(FALL_THEN_BACK, 86)),
        START.plusDays(87), 5, S, Holidays.NONE);
    assertEquals(true, skipping.get().skipped());
    assertEquals(50_000.0 / 92_000, skipping.get().ratio(), 1e-9);
    assertEquals(-3 * Math.log(6_001.0 / 20_001.0) / 5 * Math.sqrt(5) / 0.10,
        skipping.get().score(), ALLOWED_ERROR);
    DropRule.Window usual = DropRule.unknownAsUsual(series(history(FALL_THEN_BACK, 86)),
        START.plusDays(87), 5, S).get();
    assertEquals(START.plusDays(83), usual.first());
    assertEquals(64_000.0 / 92_000, usual.ratio(), 1e-9);
    assertEquals(List.of(), judged(history(FALL_THEN_BACK, 86), 87, DEFAULTS));
    assertEquals(List.of(), judged(history(FALL_THEN_BACK), 87, DEFAULTS)); // the full data agree
  }

  @Test
  void aFallThatGoesOnOverAHoleIsStillADrop() {
    // Days 82-85 at 6,000, Fri 86 unknown, Sat 87 at 3,600 (30% of 12,000). Skipping 86: five low
    // days, 27,600 / 92,000 = 0.30. With 86 at its baseline: 83-85 and 87 low, 41,600 / 92,000 =
    // 0.45 and z = (3 ln(6001/20001) + ln(3601/12001)) / 5 x sqrt 5 / 0.10 = 21.5: still a drop.
    IntToLongFunction goesOn = i -> i >= 82 && i <= 85 ? 6_000 : i == 87 ? 3_600
        : FLAT_WEEKLY_20K.applyAsLong(i);
    DropRule.Window usual = DropRule.unknownAsUsual(series(history(goesOn, 86)),
        START.plusDays(87), 5, S).get();
    assertEquals(41_600.0 / 92_000, usual.ratio(), 1e-9);
    assertEquals(-(3 * Math.log(6_001.0 / 20_001.0) + Math.log(3_601.0 / 12_001.0)) / 5
        * Math.sqrt(5) / 0.10, usual.score(), ALLOWED_ERROR);
    List<Finding> got = judged(history(goesOn, 86), 87, DEFAULTS);
    assertEquals(1, got.size(), got.toString());
    assertEquals(27_600, got.get(0).observed(), ALLOWED_ERROR);
    assertEquals(92_000, got.get(0).expected(), ALLOWED_ERROR);
  }

  private static DailySeries series(PackageHistory h) {
    return h.series(dev.pypiwatch.events.Endpoint.OVERALL, S.category());
  }

  @Test
  void aFallFromARecentRiseIsMeasuredFromTheNewLevel() {
    // Tripled from day 80, then at half of the new level (1.5x the old) from day 94: the six-week
    // weekday baselines of days 94-98 are still the old ones (2 of 6 weeks are new), so against
    // them the days look high; against the recent level (14 days at 3x) they are a fall to 50%.
    IntToLongFunction f = i -> Math.round(FLAT_WEEKLY_20K.applyAsLong(i)
        * (i >= 94 ? 1.5 : i >= 80 ? 3 : 1));
    List<Finding> got = judged(history(f), 98, DEFAULTS);
    assertEquals(1, got.size(), got.toString());
    assertEquals(0.5, got.get(0).observed() / got.get(0).expected(), 0.01);
    // Without the fall, the new level alone is no drop.
    IntToLongFunction risen = i -> FLAT_WEEKLY_20K.applyAsLong(i) * (i >= 80 ? 3 : 1);
    assertEquals(List.of(), judged(history(risen), 98, DEFAULTS));
  }
}
