package dev.pypiwatch.rules;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.MonthDay;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * SYNTHETIC daily {@code /system} series calibrated to the per-tier statistics measured on ~200
 * real packages ({@code notes/detection.md}): level x weekday pattern (weekday/weekend ratio) x slow
 * trend (random walk on the log level) x heavy-tailed day noise (Laplace on the log scale) x rare
 * bursts (CI storms), Poisson counts, split over linux/windows/darwin with a jittering share. Every
 * package and the ecosystem reference share the same Christmas-New Year trough. Deterministic for
 * a seed. The real-data sections of the benchmark remain the honest check of the shapes.
 */
public final class SyntheticSeries {
  /** The ecosystem reference package, recorded as production's poller does. */
  public static final String REFERENCE = "__all__";
  /** Starts in June: 6 months of history before the holiday trough, 3 after. */
  public static final LocalDate FIRST = LocalDate.of(2025, 6, 2);
  public static final int DAYS = 300;

  /**
   * One volume tier.
   *
   * @param name label
   * @param minLevel lowest package level (weekday downloads a day), log-uniform up to maxLevel
   * @param maxLevel highest package level
   * @param weekdayRatio weekday / weekend level
   * @param noise Laplace scale of the day noise on the log scale
   * @param trend standard deviation of the daily step of the log-level random walk
   * @param burstRate bursts per day (one to three days, factor 1 + exponential)
   * @param burstMean mean of the burst's exponential excess
   * @param shareNoise standard deviation of the daily linux/windows share jitter
   * @param wander stationary standard deviation of an AR(1) (phi 0.9) on the log level: weeks of
   *     more or less activity, which barely move the day-to-day change but widen the residuals
   *     against a 6-week baseline, as in real series
   */
  public record Tier(String name, double minLevel, double maxLevel, double weekdayRatio,
      double noise, double trend, double burstRate, double burstMean, double shareNoise,
      double wander) {}

  static final double WANDER_PHI = 0.9;

  /** >= 1k/day: targets weekday/weekend 1.66, median |day-to-day ln| 0.14, 180-day max/median 1.6. */
  public static final Tier BUSY = new Tier(">=1k", 2000, 20000, 1.66, 0.075, 0.006, 1 / 150.0,
      0.5, 0.006, 0.10);
  /** 100-1k/day: targets 1.27, 0.29, 4.6. */
  public static final Tier MID = new Tier("100-1k", 150, 800, 1.27, 0.21, 0.02, 1 / 150.0, 3.5,
      0.015, 0.2);

  /** Relative level of the holiday trough by month-day (every package, and the reference). */
  private static final Map<MonthDay, Double> TROUGH = Map.ofEntries(
      Map.entry(MonthDay.of(12, 22), 0.85), Map.entry(MonthDay.of(12, 23), 0.75),
      Map.entry(MonthDay.of(12, 24), 0.55), Map.entry(MonthDay.of(12, 25), 0.45),
      Map.entry(MonthDay.of(12, 26), 0.55), Map.entry(MonthDay.of(12, 27), 0.6),
      Map.entry(MonthDay.of(12, 28), 0.6), Map.entry(MonthDay.of(12, 29), 0.65),
      Map.entry(MonthDay.of(12, 30), 0.65), Map.entry(MonthDay.of(12, 31), 0.55),
      Map.entry(MonthDay.of(1, 1), 0.45), Map.entry(MonthDay.of(1, 2), 0.7),
      Map.entry(MonthDay.of(1, 3), 0.8), Map.entry(MonthDay.of(1, 4), 0.85),
      Map.entry(MonthDay.of(1, 5), 0.9));

  private SyntheticSeries() {}

  /** {@code n} packages of {@code tier}, named {@code syn-<tier>-<i>}. */
  public static List<RealSeries> packages(Tier tier, int n, long seed) {
    Random rnd = new Random(seed);
    List<RealSeries> out = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      out.add(one("syn" + k, tier, new Random(rnd.nextLong())));
    }
    return out;
  }

  /**
   * The ecosystem reference {@code __all__}: the packages' sum plus a large constant with a
   * weekday pattern and the same trough (one category).
   */
  public static RealSeries reference(List<RealSeries> packages, long seed) {
    Random rnd = new Random(seed);
    List<Map<String, Long>> days = new ArrayList<>();
    for (int i = 0; i < DAYS; i++) {
      LocalDate d = FIRST.plusDays(i);
      double level = 5e7 * (weekend(d) ? 1 / 1.5 : 1) * trough(d)
          * Math.exp(0.02 * rnd.nextGaussian());
      long sum = Math.round(level);
      for (RealSeries p : packages) {
        sum += Math.max(0, p.total(i));
      }
      days.add(new HashMap<>(Map.of("linux", sum)));
    }
    return new RealSeries(REFERENCE, FIRST, days);
  }

  private static RealSeries one(String name, Tier t, Random rnd) {
    double level = Math.log(t.minLevel()) + rnd.nextDouble() * Math.log(t.maxLevel() / t.minLevel());
    double ratio = t.weekdayRatio() * Math.exp(0.08 * rnd.nextGaussian());
    double windows = 0.08 + 0.2 * rnd.nextDouble();
    double darwin = 0.05 + 0.1 * rnd.nextDouble();
    List<Map<String, Long>> days = new ArrayList<>();
    double ar = t.wander() * rnd.nextGaussian();
    int burstLeft = 0;
    double burst = 1;
    for (int i = 0; i < DAYS; i++) {
      LocalDate d = FIRST.plusDays(i);
      level += t.trend() * rnd.nextGaussian();
      ar = WANDER_PHI * ar + t.wander() * Math.sqrt(1 - WANDER_PHI * WANDER_PHI) * rnd.nextGaussian();
      if (burstLeft == 0 && rnd.nextDouble() < t.burstRate()) {
        burstLeft = 1 + rnd.nextInt(3);
        burst = 1 + t.burstMean() * -Math.log(1 - rnd.nextDouble());
      }
      double factor = burstLeft > 0 ? burst : 1;
      burstLeft = Math.max(0, burstLeft - 1);
      double laplace = t.noise() * (Math.log(1 - rnd.nextDouble()) - Math.log(1 - rnd.nextDouble()));
      double mean = Math.exp(level + ar + laplace) * (weekend(d) ? 1 / ratio : 1) * trough(d) * factor;
      long total = poisson(mean, rnd);
      double w = clamp(windows + t.shareNoise() * rnd.nextGaussian());
      double m = clamp(darwin + t.shareNoise() * rnd.nextGaussian());
      long win = binomial(total, w, rnd);
      long mac = binomial(total - win, m / (1 - w), rnd);
      Map<String, Long> day = new HashMap<>();
      day.put("windows", win);
      day.put("darwin", mac);
      day.put("linux", total - win - mac);
      days.add(day);
    }
    return new RealSeries(name, FIRST, days);
  }

  private static boolean weekend(LocalDate d) {
    return d.getDayOfWeek() == DayOfWeek.SATURDAY || d.getDayOfWeek() == DayOfWeek.SUNDAY;
  }

  private static double trough(LocalDate d) {
    return TROUGH.getOrDefault(MonthDay.from(d), 1.0);
  }

  private static double clamp(double p) {
    return Math.max(0.01, Math.min(0.9, p));
  }

  /** Poisson by normal approximation above 50 (the counts here are >= ~100). */
  private static long poisson(double mean, Random rnd) {
    if (mean < 50) {
      double l = Math.exp(-mean);
      double p = 1;
      long k = 0;
      do {
        k++;
        p *= rnd.nextDouble();
      } while (p > l);
      return k - 1;
    }
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * rnd.nextGaussian()));
  }

  private static long binomial(long n, double p, Random rnd) {
    double mean = n * p;
    double sd = Math.sqrt(n * p * (1 - p));
    return Math.max(0, Math.min(n, Math.round(mean + sd * rnd.nextGaussian())));
  }

  /** Measured statistics: weekday/weekend, median |day-to-day ln change|, 180-day max/median. */
  public static double[] calibration(RealSeries s) {
    double wd = 0;
    double we = 0;
    int nwd = 0;
    int nwe = 0;
    for (int i = 0; i < s.size(); i++) {
      if (s.total(i) < 0) {
        continue;
      }
      if (weekend(s.date(i))) {
        we += s.total(i);
        nwe++;
      } else {
        wd += s.total(i);
        nwd++;
      }
    }
    double[] v = new double[180];
    int n = 0;
    double max = 0;
    for (int i = Math.max(0, s.size() - 180); i < s.size(); i++) {
      if (s.total(i) >= 0) {
        v[n++] = s.total(i);
        max = Math.max(max, s.total(i));
      }
    }
    return new double[] {(wd / nwd) / (we / nwe), s.dayToDayNoise(), max / Robust.median(v, n)};
  }
}
