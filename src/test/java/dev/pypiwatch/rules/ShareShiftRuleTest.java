package dev.pypiwatch.rules;

import static dev.pypiwatch.rules.RulesTesting.ALLOWED_ERROR;
import static dev.pypiwatch.rules.RulesTesting.DAYS;
import static dev.pypiwatch.rules.RulesTesting.PKG;
import static dev.pypiwatch.rules.RulesTesting.START;
import static dev.pypiwatch.rules.RulesTesting.system;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.Severity;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link ShareShiftRule} on hand-worked shares: thresholds, noise, holes, crossings, new versions. */
class ShareShiftRuleTest {
  private static final ShareShiftRule OS =
      new ShareShiftRule("os-shift", "os", Endpoint.SYSTEM, RuleSettings::osShift);
  private static final ShareShiftRule PYTHON =
      new ShareShiftRule("python-shift", "python", Endpoint.PYTHON_MINOR, RuleSettings::pythonShift);
  private static final ShiftSettings OS_DEFAULTS = ShiftSettings.OS_DEFAULTS;
  private static final ShiftSettings PY_DEFAULTS = ShiftSettings.PYTHON_DEFAULTS;
  /** The first day of the new shares (a Friday); day 103 is the 4th of the 7 recent days. */
  private static final int SHIFT_DAY = 100;
  /** All 7 recent days (100-106) new; the baseline is days 72-99. */
  private static final int ALL_NEW = SHIFT_DAY + 6;
  /** 10,000 a day (RulesTesting.system): 70,000 in the 7 recent days. */
  private static final long RECENT_TOTAL = 70_000;
  /**
   * Noisy baseline: Windows alternates 15% / 25% day by day: 14 + 14 baseline days, median 20%,
   * every deviation 5 points, MAD 0.05: sd = 1.25 x 1.4826 x 0.05 / sqrt 7 = 0.035023 (the
   * binomial sd, ~0.002 at 70,000 downloads, is smaller).
   */
  private static final double NOISY_SD = 1.25 * 1.4826 * 0.05 / Math.sqrt(7);

  /** Windows at {@code before} then {@code after} from SHIFT_DAY, Darwin 10%, Linux the rest. */
  private static IntFunction<Map<String, Double>> windows(double before, double after) {
    return i -> share(i < SHIFT_DAY ? before : after);
  }

  private static IntFunction<Map<String, Double>> noisyWindows(double after) {
    return i -> share(i < SHIFT_DAY ? (i % 2 == 0 ? 0.15 : 0.25) : after);
  }

  private static Map<String, Double> share(double windows) {
    return Map.of("windows", windows, "darwin", 0.10, "linux", 0.90 - windows);
  }

  /** The binomial sd of the change between {@code before} and {@code after} at 70,000 downloads. */
  private static double binomialSd(double before, double after) {
    double p = (before + after) / 2;
    return 1.25 * Math.sqrt(p * (1 - p) / RECENT_TOTAL);
  }

  private static PackageHistory history(List<DownloadRecord> records, IntPredicate unknown) {
    PackageHistory h = new PackageHistory();
    records.stream()
        .filter(r -> !unknown.test((int) (r.date().toEpochDay() - START.toEpochDay())))
        .forEach(h::put);
    return h;
  }

  private static PackageHistory history(IntFunction<Map<String, Double>> shares) {
    return history(system(shares), i -> false);
  }

  /** Records of {@code endpoint} with the given counts for days 0 to DAYS - 1. */
  private static List<DownloadRecord> counts(Endpoint endpoint, IntFunction<Map<String, Long>> f) {
    return java.util.stream.IntStream.range(0, DAYS).boxed()
        .flatMap(i -> f.apply(i).entrySet().stream().map(e -> new DownloadRecord(PKG, endpoint,
            e.getKey(), START.plusDays(i), e.getValue())))
        .toList();
  }

  private static Optional<List<Finding>> evaluate(ShareShiftRule rule, PackageHistory h, int day,
      RuleSettings s) {
    return rule.evaluate(new Rule.Day(PKG, h, null, START.plusDays(day), s));
  }

  private static List<Finding> judged(ShareShiftRule rule, PackageHistory h, int day,
      RuleSettings s) {
    return evaluate(rule, h, day, s).orElseThrow(() -> new AssertionError("not judged"));
  }

  private static List<Finding> of(List<Finding> findings, String rule, String category) {
    return findings.stream().filter(f -> f.rule().equals(rule) && f.category().equals(category))
        .toList();
  }

  private static RuleSettings with(ShiftSettings python, ShiftSettings os) {
    RuleSettings d = RuleSettings.DEFAULTS;
    return new RuleSettings(d.spike(), d.drop(), python, os, d.milestone(), d.trend());
  }

  private static RuleSettings os(ShiftSettings os) {
    return with(PY_DEFAULTS, os);
  }

  private static ShiftSettings shift(ShiftSettings d, boolean enabled, double minPoints, double z,
      long minDownloads, int recentDays, List<Double> crossings, double newShare) {
    return new ShiftSettings(enabled, minPoints, z, minDownloads, recentDays, d.baselineDays(),
        crossings, newShare, d.cooldown());
  }

  @Test
  void windowsFrom20To40PercentFiresOnTheFourthDayWithHandCheckedEvidence() {
    PackageHistory h = history(windows(0.20, 0.40));
    // Day 102: 4 old and 3 new recent days, median still 20%.
    assertEquals(List.of(), judged(OS, h, SHIFT_DAY + 2, RuleSettings.DEFAULTS));
    // Day 103: 3 old, 4 new: median 40%. Baseline steady (MAD 0), so the binomial sd: p = 30%,
    // 1.25 sqrt(0.3 x 0.7 / 70,000) = 0.002165; 0.20 / 0.002165 = 92.38 >= 2 x 4 → WARNING.
    // Linux falls 70% → 50%: p = 60%, sd 0.002315, 86.41. Darwin does not move.
    List<Finding> got = judged(OS, h, SHIFT_DAY + 3, RuleSettings.DEFAULTS);
    assertEquals(List.of("os-shift:pip:system:linux", "os-shift:pip:system:windows"),
        got.stream().map(Finding::fingerprint).toList());
    Finding w = got.get(1);
    assertEquals("os-shift", w.rule());
    assertEquals("system", w.series());
    assertEquals("windows", w.category());
    assertEquals(Severity.WARNING, w.severity());
    assertEquals(40.0, w.observed(), ALLOWED_ERROR);
    assertEquals(20.0, w.expected(), ALLOWED_ERROR);
    assertEquals(0.20 / binomialSd(0.20, 0.40), w.score(), ALLOWED_ERROR);
    assertEquals(92.376, w.score(), 1e-3);
    assertEquals("pip: Windows share rose to 40.0% (from 20.0%, +20.0 pp) in the 7 days to"
        + " 2026-04-06 (Mon)", w.summary());
    Finding l = got.get(0);
    assertEquals(50.0, l.observed(), ALLOWED_ERROR);
    assertEquals(70.0, l.expected(), ALLOWED_ERROR);
    assertEquals(86.410, l.score(), 1e-3);
    assertEquals("pip: Linux share fell to 50.0% (from 70.0%, -20.0 pp) in the 7 days to"
        + " 2026-04-06 (Mon)", l.summary());
    assertEquals(Set.of("os-shift:system", "os-crossing:system", "os-new:system"), OS.scopes());
  }

  /** os-shift at the Python default's 5 points (the OS default is 12): the mechanics below. */
  private static RuleSettings fivePoints() {
    return os(shift(OS_DEFAULTS, true, 5, 4, 200, 7, List.of(), 0));
  }

  static Stream<Arguments> thresholds() {
    // At 5 points. Windows' change on day 106 (all 7 recent days new). Steady baseline: the
    // binomial sd (tiny at 70,000 downloads), so the 5-point floor decides; noisy baseline: sd 0.035, so 4 sd =
    // 14 points decides, and 8 sd = 28 points makes a WARNING.
    return Stream.of(
        Arguments.of("steady 20% → 24%: 4 pp (20.4 sd)", false, 0.24, Double.NaN, null),
        Arguments.of("steady 20% → 26%: 6 pp, 30.2 sd", false, 0.26, 30.177, Severity.WARNING),
        Arguments.of("steady 20% → 14%: -6 pp, 33.8 sd", false, 0.14, 33.809, Severity.WARNING),
        Arguments.of("noisy 20% → 30%: 10 pp but 2.86 sd", true, 0.30, Double.NaN, null),
        Arguments.of("noisy 20% → 35%: 4.28 sd", true, 0.35, 4.283, Severity.INFO),
        Arguments.of("noisy 20% → 45%: 7.14 sd", true, 0.45, 7.138, Severity.INFO),
        Arguments.of("noisy 20% → 50%: 8.57 sd", true, 0.50, 8.566, Severity.WARNING));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("thresholds")
  void theShiftNeedsFivePointsAndFourSd(String name, boolean noisy, double after, double score,
      Severity severity) {
    PackageHistory h = history(noisy ? noisyWindows(after) : windows(0.20, after));
    List<Finding> got = of(judged(OS, h, ALL_NEW, fivePoints()), "os-shift", "windows");
    if (severity == null) {
      assertEquals(List.of(), got);
      return;
    }
    assertEquals(1, got.size(), got.toString());
    double sd = noisy ? NOISY_SD : binomialSd(0.20, after);
    assertEquals(Math.abs(after - 0.20) / sd, got.get(0).score(), ALLOWED_ERROR);
    assertEquals(score, got.get(0).score(), 1e-3);
    assertEquals(severity, got.get(0).severity());
    assertEquals(100 * after, got.get(0).observed(), ALLOWED_ERROR);
    assertEquals(20.0, got.get(0).expected(), ALLOWED_ERROR);
  }

  static Stream<Arguments> settings() {
    // Windows 20% → 40% (score 92.38, 70,000 downloads): fires on day 103 with the defaults.
    ShiftSettings d = OS_DEFAULTS;
    return Stream.of(
        Arguments.of("defaults, day 103", d, 103, true),
        Arguments.of("defaults, day 102", d, 102, false),
        Arguments.of("min points 21 > 20", shift(d, true, 21, 4, 200, 7, List.of(), 0), 103, false),
        Arguments.of("z 92 < 92.38", shift(d, true, 5, 92, 200, 7, List.of(), 0), 103, true),
        Arguments.of("z 93 > 92.38", shift(d, true, 5, 93, 200, 7, List.of(), 0), 103, false),
        Arguments.of("min downloads 70,000", shift(d, true, 5, 4, 70_000, 7, List.of(), 0), 103, true),
        Arguments.of("min downloads 70,001", shift(d, true, 5, 4, 70_001, 7, List.of(), 0), 103,
            false),
        // 3 recent days: day 102's are all new (baseline 74-99 all old).
        Arguments.of("3 recent days, day 102", shift(d, true, 5, 4, 200, 3, List.of(), 0), 102, true),
        Arguments.of("disabled", shift(d, false, 5, 4, 200, 7, List.of(), 0), 103, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("settings")
  void eachSettingMovesItsThreshold(String name, ShiftSettings s, int day, boolean fires) {
    List<Finding> got = of(judged(OS, history(windows(0.20, 0.40)), day, os(s)), "os-shift",
        "windows");
    assertEquals(fires ? 1 : 0, got.size(), got.toString());
  }

  static Stream<Arguments> knownDays() {
    // Windows 20% → 40%, day 106. Recent days: more than half of 7 (4) must be known; baseline
    // days: at least half of 28 (14). A day with no downloads counts as unknown.
    return Stream.of(
        Arguments.of("all known", (IntPredicate) i -> false, true),
        Arguments.of("recent 100-103 unknown: 3 known", (IntPredicate) i -> i >= 100 && i <= 103,
            false),
        Arguments.of("recent 100-102 unknown: 4 known", (IntPredicate) i -> i >= 100 && i <= 102,
            true),
        Arguments.of("baseline 72-86 unknown: 13 known", (IntPredicate) i -> i >= 72 && i <= 86,
            false),
        Arguments.of("baseline 72-85 unknown: 14 known", (IntPredicate) i -> i >= 72 && i <= 85,
            true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("knownDays")
  void halfTheDaysOfEachWindowMustBeKnown(String name, IntPredicate unknown, boolean fires) {
    PackageHistory h = history(system(windows(0.20, 0.40)), unknown);
    List<Finding> got = of(judged(OS, h, ALL_NEW, RuleSettings.DEFAULTS), "os-shift", "windows");
    assertEquals(fires ? 1 : 0, got.size(), got.toString());
  }

  @Test
  void aMoveOfExactlyTheMinimumCounts() {
    // Windows 10% -> 15%: 0.15 - 0.10 is 4.999999999999999 points in floating point; the
    // minimum is 5 and this is 5 (score ~32 at 70,000 downloads, far above z).
    assertEquals(true, 0.15 - 0.10 < 0.05, "the floating-point trap this test is about");
    List<Finding> f = of(judged(OS, history(windows(0.10, 0.15)), ALL_NEW, fivePoints()),
        "os-shift", "windows");
    assertEquals(1, f.size(), f.toString());
    assertEquals(15.0, f.get(0).observed(), ALLOWED_ERROR);
    assertEquals(10.0, f.get(0).expected(), ALLOWED_ERROR);
    // 4.9 points is still below the minimum.
    assertEquals(List.of(), of(judged(OS, history(windows(0.10, 0.149)), ALL_NEW,
        fivePoints()), "os-shift", "windows"));
  }

  static Stream<Arguments> osDefaultPoints() {
    // Steady baseline at 70,000 downloads: far above 4 sd, so the OS default's 12 points decide
    // (real OS mixes of packages at >= 100/day move by 5-13 points in a week without news).
    return Stream.of(
        Arguments.of("20% → 26%: 6 pp", 0.26, false),
        Arguments.of("20% → 31.9%: 11.9 pp", 0.319, false),
        Arguments.of("20% → 32%: 12 pp", 0.32, true),
        Arguments.of("20% → 8%: -12 pp", 0.08, true),
        Arguments.of("20% → 40%: 20 pp", 0.40, true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("osDefaultPoints")
  void theOsDefaultNeedsTwelvePoints(String name, double after, boolean fires) {
    assertEquals(12, RuleSettings.DEFAULTS.osShift().minPoints());
    List<Finding> got = of(judged(OS, history(windows(0.20, after)), ALL_NEW,
        RuleSettings.DEFAULTS), "os-shift", "windows");
    assertEquals(fires ? 1 : 0, got.size(), got.toString());
  }

  @Test
  void daysWithoutDownloadsAreLeftOutNotCountedAsZeroShares() {
    // Recent days 100-103 all zero: only 3 recent days have downloads, too few to speak.
    List<DownloadRecord> records = system(windows(0.20, 0.40)).stream()
        .map(r -> {
          long day = r.date().toEpochDay() - START.toEpochDay();
          return day >= 100 && day <= 103
              ? new DownloadRecord(PKG, r.endpoint(), r.category(), r.date(), 0) : r;
        }).toList();
    assertEquals(Optional.of(List.of()),
        evaluate(OS, history(records, i -> false), ALL_NEW, RuleSettings.DEFAULTS));
  }

  @Test
  void anUnknownDayIsNotJudged() {
    PackageHistory h = history(system(windows(0.20, 0.40)), i -> i == ALL_NEW);
    assertEquals(Optional.empty(), evaluate(OS, h, ALL_NEW, RuleSettings.DEFAULTS));
    assertEquals(Optional.empty(), evaluate(OS, h, ALL_NEW,
        os(shift(OS_DEFAULTS, false, 5, 4, 200, 7, List.of(), 0))));
  }

  static Stream<Arguments> volume() {
    // Windows 20% → 60% of N a day: 7 N recent downloads. sd = 1.25 sqrt(0.4 x 0.6 / 7N):
    // at N = 30, 0.0423 and 0.40 / 0.0423 = 9.47 sd; at N = 25, 175 < 200 downloads.
    return Stream.of(
        Arguments.of(25L, 200L, false),
        Arguments.of(30L, 200L, true),
        Arguments.of(25L, 175L, true));
  }

  @ParameterizedTest(name = "{0} a day, min downloads {1}: fires {2}")
  @MethodSource("volume")
  void aSmallPackageNeedsEnoughDownloads(long perDay, long minDownloads, boolean fires) {
    long before = perDay / 5; // 20%
    long after = 3 * perDay / 5; // 60%
    PackageHistory h = history(counts(Endpoint.SYSTEM, i -> {
      long w = i < SHIFT_DAY ? before : after;
      return Map.of("windows", w, "linux", perDay - w);
    }), i -> false);
    List<Finding> got = of(judged(OS, h, ALL_NEW,
        os(shift(OS_DEFAULTS, true, 5, 4, minDownloads, 7, List.of(), 0))), "os-shift", "windows");
    assertEquals(fires ? 1 : 0, got.size(), got.toString());
    if (fires) {
      assertEquals(0.40 / (1.25 * Math.sqrt(0.4 * 0.6 / (7 * perDay))), got.get(0).score(),
          ALLOWED_ERROR);
    }
  }

  @Test
  void aOneDayBurstMovesNoMedian() {
    // Day 104: Windows 90%, Linux 0% (a CI storm). Pooled over the 7 days Windows would read
    // (6 x 2,000 + 9,000) / 70,000 = 30% (+10 pp); the median of the daily shares stays 20%.
    PackageHistory h = history(i -> i == 104
        ? Map.of("windows", 0.90, "darwin", 0.10, "linux", 0.0) : share(0.20));
    assertEquals(Optional.of(List.of()), evaluate(OS, h, ALL_NEW, RuleSettings.DEFAULTS));
  }

  @Test
  void theUnknownCategoryIsNeverReported() {
    // unknown 10% → 40% and Linux 70% → 40% on day 106: only Linux is named.
    PackageHistory h = history(i -> i < SHIFT_DAY
        ? Map.of(Categories.UNKNOWN, 0.10, "windows", 0.20, "linux", 0.70)
        : Map.of(Categories.UNKNOWN, 0.40, "windows", 0.20, "linux", 0.40));
    assertEquals(List.of("os-shift:pip:system:linux"),
        judged(OS, h, ALL_NEW, RuleSettings.DEFAULTS).stream().map(Finding::fingerprint).toList());
  }

  static Stream<Arguments> crossings() {
    // Crossing 25% upwards: median before < 25% and median now >= 25%. Steady shares, day 106.
    List<Double> at25 = List.of(25.0);
    return Stream.of(
        Arguments.of("24% → 26%", 0.24, 0.26, at25, true),
        Arguments.of("24% → 25%: reaching counts", 0.24, 0.25, at25, true),
        Arguments.of("24% → 24.9%", 0.24, 0.249, at25, false),
        Arguments.of("26% → 30%: already above", 0.26, 0.30, at25, false),
        Arguments.of("30% → 20%: downwards", 0.30, 0.20, at25, false),
        Arguments.of("24% → 26%, no crossings (default)", 0.24, 0.26, List.of(), false),
        Arguments.of("20% → 40% passes 25 and 30", 0.20, 0.40, List.of(25.0, 30.0), true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("crossings")
  void aCategoryCrossingAShareUpwardsIsReported(String name, double before, double after,
      List<Double> levels, boolean crosses) {
    RuleSettings s = os(shift(OS_DEFAULTS, true, 5, 4, 200, 7, levels, 0));
    List<Finding> got = of(judged(OS, history(windows(before, after)), ALL_NEW, s), "os-crossing",
        "windows");
    List<String> expected = crosses ? levels.stream()
        .map(l -> "os-crossing:pip:system:windows:" + Math.round(l)).toList() : List.of();
    assertEquals(expected, got.stream().map(Finding::fingerprint).toList());
    for (Finding f : got) {
      assertEquals(Severity.INFO, f.severity());
      assertEquals(100 * after, f.observed(), ALLOWED_ERROR);
      assertEquals(100 * before, f.expected(), ALLOWED_ERROR);
    }
  }

  @Test
  void aCrossingNeedsNoShiftAndCarriesItsEvidence() {
    // 24% → 26%: 2 pp is no os-shift, but 25% is passed. Score: the change's, 0.02 / (1.25
    // sqrt(0.25 x 0.75 / 70,000)) = 9.78.
    RuleSettings s = os(shift(OS_DEFAULTS, true, 5, 4, 200, 7, List.of(25.0), 0));
    List<Finding> got = judged(OS, history(windows(0.24, 0.26)), ALL_NEW, s);
    assertEquals(1, got.size(), got.toString());
    Finding f = got.get(0);
    assertEquals("os-crossing", f.rule());
    assertEquals(0.02 / binomialSd(0.24, 0.26), f.score(), ALLOWED_ERROR);
    assertEquals(9.776, f.score(), 1e-3);
    assertEquals("pip: Windows passed 25.0% of downloads (26.0%, was 24.0%)", f.summary());
  }

  static Stream<Arguments> newVersions() {
    // Python 3.14 at N of 10,000 a day from day 100 (3.13 the rest), never before except as noted.
    return Stream.of(
        Arguments.of("3% appears", 300L, -1L, 1.0, true),
        Arguments.of("0.9% is below the 1% floor", 90L, -1L, 1.0, false),
        Arguments.of("0.9% with a 0.5% floor", 90L, -1L, 0.5, true),
        Arguments.of("3%, but 1.5% once in the baseline (day 80)", 300L, 150L, 1.0, false),
        Arguments.of("3%, but 0.9% once in the baseline (day 80)", 300L, 90L, 1.0, true),
        Arguments.of("3% with the report off", 300L, -1L, 0.0, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("newVersions")
  void aNewPythonVersionAboveTheFloorIsReported(String name, long n, long blip, double floor,
      boolean reported) {
    PackageHistory h = history(pythonMinor(n, blip), i -> false);
    RuleSettings s = with(shift(PY_DEFAULTS, true, 5, 4, 200, 7, List.of(), floor), OS_DEFAULTS);
    List<Finding> got = of(judged(PYTHON, h, ALL_NEW, s), "python-new", "3.14");
    assertEquals(reported ? 1 : 0, got.size(), got.toString());
  }

  private static List<DownloadRecord> pythonMinor(long n, long blip) {
    return counts(Endpoint.PYTHON_MINOR, i -> {
      if (i >= SHIFT_DAY) {
        return Map.of("3.13", 10_000 - n, "3.14", n);
      }
      return i == 80 && blip >= 0 ? Map.of("3.13", 10_000 - blip, "3.14", blip)
          : Map.of("3.13", 10_000L);
    });
  }

  @Test
  void aNewVersionIsReportedOnceItsMedianPassesTheFloor() {
    // 3.14 at 3% from day 100: on day 102, 3 of 7 recent days have it (median 0); on day 103, 4.
    // It was never in the baseline (max 0). 3 pp is no python-shift for 3.14 nor for 3.13.
    PackageHistory h = history(pythonMinor(300, -1), i -> false);
    assertEquals(List.of(), judged(PYTHON, h, SHIFT_DAY + 2, RuleSettings.DEFAULTS));
    List<Finding> got = judged(PYTHON, h, SHIFT_DAY + 3, RuleSettings.DEFAULTS);
    assertEquals(1, got.size(), got.toString());
    Finding f = got.get(0);
    assertEquals("python-new:pip:python_minor:3.14", f.fingerprint());
    assertEquals("python-new", f.rule());
    assertEquals("python_minor", f.series());
    assertEquals(Severity.INFO, f.severity());
    assertEquals(3.0, f.observed(), ALLOWED_ERROR);
    assertEquals(0.0, f.expected(), ALLOWED_ERROR);
    // p = 1.5%: 0.03 / (1.25 sqrt(0.015 x 0.985 / 70,000)) = 52.24.
    assertEquals(0.03 / binomialSd(0.0, 0.03), f.score(), ALLOWED_ERROR);
    assertEquals("pip: Python 3.14 appeared: 3.0% of downloads in the 7 days to 2026-04-06 (Mon)",
        f.summary());
  }

  @Test
  void theOsRuleReportsNoNewCategory() {
    // "other" appears at 3%: the OS defaults have no new-category report (floor 0).
    PackageHistory h = history(counts(Endpoint.SYSTEM, i -> i < SHIFT_DAY
        ? Map.of("linux", 10_000L) : Map.of("linux", 9_700L, "other", 300L)), i -> false);
    assertEquals(List.of(), judged(OS, h, ALL_NEW, RuleSettings.DEFAULTS));
  }

  @Test
  void pythonMajorVersionsAreTheirOwnSeries() {
    ShareShiftRule major = new ShareShiftRule("python-shift", "python", Endpoint.PYTHON_MAJOR,
        RuleSettings::pythonShift);
    // Python 2 at 20% → 10%: -10 pp; 3 at 80% → 90%.
    PackageHistory h = history(counts(Endpoint.PYTHON_MAJOR, i -> i < SHIFT_DAY
        ? Map.of("2", 2_000L, "3", 8_000L) : Map.of("2", 1_000L, "3", 9_000L)), i -> false);
    List<Finding> got = judged(major, h, ALL_NEW, RuleSettings.DEFAULTS);
    assertEquals(List.of("python-shift:pip:python_major:2", "python-shift:pip:python_major:3"),
        got.stream().map(Finding::fingerprint).toList());
    assertEquals("pip: Python 2 share fell to 10.0% (from 20.0%, -10.0 pp) in the 7 days to"
        + " 2026-04-09 (Thu)", got.get(0).summary());
    // The minor rule sees nothing there.
    assertEquals(Optional.empty(), evaluate(PYTHON, h, ALL_NEW, RuleSettings.DEFAULTS));
  }
}
