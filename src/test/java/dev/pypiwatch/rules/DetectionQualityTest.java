package dev.pypiwatch.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertState;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A small, seeded version of {@code bench/.../DetectionQuality}: on a fixed subset of the real
 * overall series ({@link RealWindows}), regression floors; on the calibrated SYNTHETIC tiers
 * ({@link SyntheticSeries}, with the {@code __all__} reference recorded), the detection targets at
 * default settings with a margin (the full figures are in {@code docs/detection.md}), and no new
 * episode from a per-package hole, an upstream hole or a 2-day transient gap, on synthetic and on
 * three real series scaled to 5,000/day.
 */
class DetectionQualityTest {
  private static final RulesConfig D = RulesConfig.DEFAULTS;
  private static final int PACKAGES = 4;
  private static final int[] POSITIONS = {80, 130, 180, 230};
  private static final List<String> REAL = List.of("llm", "s3-credentials", "airtable-export");

  @Test
  void realSeriesWindowsKeepTheirMeasuredQuality() {
    // The issue-13 protocol (RealWindows, as in DetectionQuality) on a fixed subset of the real
    // overall series: each package's two newest 180-day windows (2023). These are REGRESSION
    // FLOORS just below what was measured when they were set (figures in docs/detection.md), not
    // the issue's targets: a change that loses detection on real data fails here.
    List<RealWindows.Window> newest = RealWindows.windows(RealSeries.loadOverall(RealSeries.OVERALL))
        .stream().filter(w -> w.index() <= 1).toList();
    List<RealWindows.Outcome> outcomes = newest.stream().map(w -> RealWindows.measure(w, D)).toList();
    RealWindows.Summary busy = RealWindows.Summary.of(outcomes.stream()
        .filter(o -> o.window().tier().equals(">=1k")).toList());
    RealWindows.Summary mid = RealWindows.Summary.of(outcomes.stream()
        .filter(o -> o.window().tier().equals("100-1k")).toList());
    String figures = ">=1k " + busy + "\n100-1k " + mid;
    // Measured 2026-12-07 at the defaults of the third calibration round (spikes in the noise unit
    // of a rise, z 3.25, x2, 3 days' cooldown; drop z 2.75, a window over unknown days checked with
    // them at their baselines): >=1k (6 windows, 3 packages) x3 1.00, x5 1.00, week at 50% 1.00,
    // at 20% 1.00, false 0.17 / 90 days; 100-1k (17 windows, 11 packages) x3 0.47, x5 0.76, week
    // at 50% 0.65, at 20% 0.94, false 0.71 (spikes 0.59: these newest windows hold the growing
    // packages). Each floor is the measure less a rounding. (Second round: x3 0.83 and false 0.33
    // at >= 1k; x5 0.71 and false 0.94 at 100-1k. Fourth round, a drop's sum in noise units: the
    // same figures, these 2023 windows have no false drop it removes.)
    assertEquals(6, busy.windows(), figures);
    assertEquals(17, mid.windows(), figures);
    assertTrue(busy.x3() >= 0.99, figures);
    assertTrue(busy.x5() >= 0.99, figures);
    assertTrue(busy.week50() >= 0.99, figures);
    assertTrue(busy.week20() >= 0.99, figures);
    assertTrue(busy.falsePer90() <= 0.17, figures);
    assertTrue(mid.x3() >= 0.47, figures);
    assertTrue(mid.x5() >= 0.76, figures);
    assertTrue(mid.week50() >= 0.64, figures);
    assertTrue(mid.week20() >= 0.94, figures);
    assertTrue(mid.falsePer90() <= 0.71, figures);
    // The 2023-01-24 upstream hole (every package) and the others raise no alert of their own.
    assertEquals(0, busy.holeCaused() + mid.holeCaused(), figures);
  }

  @Test
  void busyTierMeetsTheTargetsWithAMargin() {
    double[] r = recall(SyntheticSeries.BUSY, 21, true);
    // Targets: x3 >= 0.80, x5 >= 0.93, week at 50% >= 0.85, at 20% >= 0.95; false <= 1.0 / 90 days.
    assertTrue(r[0] >= 0.75, "x3 " + r[0]);
    assertTrue(r[1] >= 0.87, "x5 " + r[1]);
    assertTrue(r[2] >= 0.80, "week at 50% " + r[2]);
    assertTrue(r[3] >= 0.90, "week at 20% " + r[3]);
    assertTrue(r[4] <= 1.0, "false episodes / 90 days " + r[4]);
  }

  @Test
  void midTierMeetsTheTargetsWithAMargin() {
    double[] r = recall(SyntheticSeries.MID, 22, false);
    // Targets: x5 >= 0.65, week at 50% >= 0.60, at 20% >= 0.90; false <= 1.0 / 90 days. Since the
    // calibration on real series the false episodes of these 4 packages are above 1.0 (1.41 after
    // the second round, 1.32 after the third, 1.24 after the fourth; 1.05 -> 1.30 -> 1.27 on the
    // bench's 24): a regression ceiling just above the measure, not the target. Measured after the
    // fourth round: x5 0.81, week at 50% 1.00, at 20% 1.00.
    assertTrue(r[1] >= 0.55, "x5 " + r[1]);
    assertTrue(r[2] >= 0.50, "week at 50% " + r[2]);
    assertTrue(r[3] >= 0.84, "week at 20% " + r[3]);
    assertTrue(r[4] <= 1.25, "false episodes / 90 days " + r[4]);
  }

  @Test
  void theOnlyRealBusySeriesRaisesNoFalseAlarmOverTheHolidays() {
    // llm without __all__: its Christmas-New Year trough (to 54% of the usual over 2025-12-23 to
    // 12-27) was a drop before holidays were known; it raises no drop now. It raises no spike
    // either: the day it went back from about 5,300 a day (since mid-March) to 9,762 is 1.84x its
    // recent Tuesdays, below the spike's ratio floor of 2 since the third calibration round (a
    // return to its former level, not a burst).
    RealSeries llm = RealSeries.load(RealSeries.DIR.resolve("llm_system.json"));
    List<Alert> alerts = SeriesReplay.run(llm, D);
    assertEquals(List.of(), SeriesReplay.firing(alerts, "drop"));
    assertEquals(List.of(), SeriesReplay.firing(alerts, "spike"));
    // A week at 20% starting on 2025-12-22 is still found, on a holiday.
    int p = (int) (java.time.LocalDate.parse("2025-12-22").toEpochDay() - llm.first().toEpochDay());
    List<Alert> deep = SeriesReplay.firing(SeriesReplay.run(llm.multiplied(p, 7, 0.2), D), "drop");
    assertEquals(1, deep.size(), deep.toString());
    assertTrue(!deep.get(0).date().isAfter(java.time.LocalDate.parse("2025-12-28")), deep.toString());
  }

  @Test
  void holesAndTransientGapsCauseNoAlert() {
    List<RealSeries> pkgs = SyntheticSeries.packages(SyntheticSeries.BUSY, 2, 23);
    RealSeries ref = SyntheticSeries.reference(pkgs, 24);
    for (RealSeries s : pkgs) {
      List<Alert> clean = SeriesReplay.run(s, D, Set.of(), 0, ref);
      for (int p : POSITIONS) {
        assertNoNewEpisode(clean, SeriesReplay.run(s.withHole(p), D, Set.of(), 0, ref), s, p);
        assertNoNewEpisode(clean, SeriesReplay.run(s.withHole(p), D, Set.of(), 0, ref.withHole(p)),
            s, p);
        assertNoNewEpisode(clean, SeriesReplay.run(s, D, Set.of(p), 2, ref), s, p);
      }
    }
    for (String pkg : REAL) {
      RealSeries raw = RealSeries.load(RealSeries.DIR.resolve(pkg + "_system.json"));
      RealSeries s = raw.scaled(5000 / raw.medianTotal());
      List<Alert> clean = SeriesReplay.run(s, D);
      for (int p : new int[] {70, 120}) {
        assertNoNewEpisode(clean, SeriesReplay.run(s.withHole(p), D), s, p);
        assertNoNewEpisode(clean, SeriesReplay.run(s, D, Set.of(p), 2), s, p);
      }
    }
  }

  /** Recall of x3, x5, weeks at 50% and 20%, and false spike+drop episodes per 90 days. */
  private static double[] recall(SyntheticSeries.Tier tier, long seed, boolean x3) {
    List<RealSeries> pkgs = SyntheticSeries.packages(tier, PACKAGES, seed);
    RealSeries ref = SyntheticSeries.reference(pkgs, seed + 100);
    int[] hits = new int[4];
    double falseEpisodes = 0;
    int trials = 0;
    for (RealSeries s : pkgs) {
      List<Alert> clean = SeriesReplay.run(s, D, Set.of(), 0, ref);
      falseEpisodes += SeriesReplay.firing(clean, "spike").size()
          + SeriesReplay.firing(clean, "drop").size();
      for (int p : POSITIONS) {
        RealSeries upTo = upTo(s, p + 8);
        hits[0] += x3 && spikeOn(SeriesReplay.run(upTo.multiplied(p, 1, 3), D, Set.of(), 0, ref), s, p)
            ? 1 : 0;
        hits[1] += spikeOn(SeriesReplay.run(upTo.multiplied(p, 1, 5), D, Set.of(), 0, ref), s, p) ? 1 : 0;
        hits[2] += dropWithinWeek(SeriesReplay.run(upTo.multiplied(p, 7, 0.5), D, Set.of(), 0, ref), s, p)
            ? 1 : 0;
        hits[3] += dropWithinWeek(SeriesReplay.run(upTo.multiplied(p, 7, 0.2), D, Set.of(), 0, ref), s, p)
            ? 1 : 0;
        trials++;
      }
    }
    double units = PACKAGES * (SyntheticSeries.DAYS - 28) / 90.0;
    return new double[] {(double) hits[0] / trials, (double) hits[1] / trials,
        (double) hits[2] / trials, (double) hits[3] / trials, falseEpisodes / units};
  }

  /** The first {@code n} days (the days after an injection's window do not change its verdict). */
  private static RealSeries upTo(RealSeries s, int n) {
    return new RealSeries(s.pkg(), s.first(), s.days().subList(0, Math.min(n, s.size())));
  }

  /** No firing from the hole day to 3 days after that is not an episode of the clean run. */
  private static void assertNoNewEpisode(List<Alert> clean, List<Alert> run, RealSeries s, int h) {
    Set<String> keys = new HashSet<>();
    clean.stream().filter(a -> a.state() == AlertState.FIRING)
        .forEach(a -> keys.add(a.fingerprint() + "@" + a.date()));
    List<Alert> extra = run.stream().filter(a -> a.state() == AlertState.FIRING)
        .filter(a -> !a.date().isBefore(s.date(h)) && !a.date().isAfter(s.date(h + 3)))
        .filter(a -> java.util.stream.IntStream.rangeClosed(-3, 3)
            .noneMatch(d -> keys.contains(a.fingerprint() + "@" + a.date().plusDays(d))))
        .toList();
    assertEquals(List.of(), extra, s.pkg() + " hole at " + s.date(h));
  }

  private static boolean spikeOn(List<Alert> alerts, RealSeries s, int p) {
    return SeriesReplay.firing(alerts, "spike").stream().anyMatch(a -> a.date().equals(s.date(p)));
  }

  private static boolean dropWithinWeek(List<Alert> alerts, RealSeries s, int p) {
    return SeriesReplay.firing(alerts, "drop").stream()
        .anyMatch(a -> !a.date().isBefore(s.date(p)) && !a.date().isAfter(s.date(p + 6)));
  }
}
