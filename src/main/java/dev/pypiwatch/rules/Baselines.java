package dev.pypiwatch.rules;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.Optional;

/**
 * The expected count of a day and the noise of the series in log units: the median of the same
 * weekday over the last weeks (downloads are weekday-seasonal: weekends are 30-40% lower on busy
 * packages), and 1.4826 MAD of the log residuals of the previous 8 weeks, each residual against
 * its own day's weekday baseline at that day's recent level ({@link #level}). Unknown days are
 * left out of both.
 *
 * <p>Cold start: with fewer than 3 same-weekday values or 20 residuals, the estimate falls back to
 * the median and MAD of the last 28 days (no weekday) and says so; with fewer than 14 known days
 * there is no estimate.
 */
final class Baselines {
  static final int MIN_SAME_WEEKDAY = 3;
  static final int RESIDUAL_DAYS = 56;
  static final int MIN_RESIDUALS = 20;
  static final int FLAT_DAYS = 28;
  static final int MIN_FLAT = 14;
  /** Days whose median residual is the recent level ({@link #level}). */
  static final int LEVEL_DAYS = 14;

  /**
   * One day's expectation.
   *
   * @param baseline expected count
   * @param scale noise unit of the log residual, at least the floor
   * @param seasonal false for the cold-start fallback (callers then demand more)
   * @param riseScale noise unit of a rise, at least the floor: 1.4826 times the distance from the
   *     median residual to the upper quartile (the upper half of the residuals alone), so a
   *     package's ordinary bursts widen it and its dips do not; the scale itself during a cold start
   */
  record Estimate(double baseline, double scale, boolean seasonal, double riseScale) {
    /** An estimate whose rises are measured in the same unit as everything else. */
    Estimate(double baseline, double scale, boolean seasonal) {
      this(baseline, scale, seasonal, scale);
    }
  }

  private Baselines() {}

  /** The expectation for {@code date} from the days before it; empty during a cold start. */
  static Optional<Estimate> at(DailySeries s, LocalDate date, int weeks, double floor) {
    return at(s, Math.toIntExact(date.toEpochDay()), weeks, floor);
  }

  /** The expectation for epoch day {@code day} from the days before it; empty during a cold start. */
  static Optional<Estimate> at(DailySeries s, int day, int weeks, double floor) {
    Memo memo = s.baselines();
    Optional<Estimate> e = memo.estimate(day, weeks, floor);
    if (e == null) {
      e = estimate(s, memo, day, weeks, floor);
      memo.keep(day, weeks, floor, e);
    }
    return e;
  }

  private static Optional<Estimate> estimate(DailySeries s, Memo memo, int day, int weeks, double floor) {
    double b = sameWeekday(s, day, weeks);
    if (!Double.isNaN(b)) {
      // Read in place (no copy): nothing moves the window before the estimate is made.
      memo.residuals.moveTo(day - 1, RESIDUAL_DAYS, weeks);
      double[] res = memo.residuals.lane(0);
      int n = memo.residuals.count();
      if (n >= MIN_RESIDUALS) {
        return Optional.of(new Estimate(b, scale(res, n, floor), true, riseScale(res, n, floor)));
      }
    }
    return flat(s, day, floor);
  }

  /**
   * The recent level of the series against its weekday baselines, in log units: among the log
   * residuals of the known days of the {@value #LEVEL_DAYS} before {@code day}, the lower quartile
   * if it is above 0, the upper quartile if it is below 0, else 0 (and 0 with fewer than half of
   * the days known). So the level moves only when three quarters of the two weeks lie on the same
   * side: a package that moved to a new level (a release, a new dependent) is judged against it
   * within two weeks instead of six, while a burst or a dip of a few days leaves it alone.
   */
  static double level(DailySeries s, int day, int weeks) {
    // Memoized: the residual window's new day had its level computed the day before (the spike's),
    // and the drop window's first day a few days before.
    Memo memo = s.baselines();
    double kept = memo.keptLevel(day, weeks);
    if (!Double.isNaN(kept)) {
      return kept;
    }
    double level = computeLevel(s, day, weeks);
    memo.keepLevel(day, weeks, level);
    return level;
  }

  private static double computeLevel(DailySeries s, int day, int weeks) {
    double[] v = new double[LEVEL_DAYS];
    int n = 0;
    for (int i = 1; i <= LEVEL_DAYS; i++) {
      int t = day - i;
      if (s.has(t)) {
        double b = sameWeekday(s, t, weeks);
        if (!Double.isNaN(b)) {
          v[n++] = Robust.log1(s.at(t)) - Robust.log1(b);
        }
      }
    }
    if (n * 2 < LEVEL_DAYS) {
      return 0;
    }
    Arrays.sort(v, 0, n);
    double low = v[(n - 1) / 4];
    double high = v[n - 1 - (n - 1) / 4];
    return low > 0 ? low : high < 0 ? high : 0;
  }

  /** {@code b} moved by the log level {@code level}: (b + 1) e^level - 1, never below 0. */
  static double leveled(double b, double level) {
    return Math.max(0, (b + 1) * Math.exp(level) - 1);
  }

  /** The median of the known same weekdays of the last {@code weeks} weeks; NaN if too few. */
  static double sameWeekday(DailySeries s, LocalDate date, int weeks) {
    return sameWeekday(s, Math.toIntExact(date.toEpochDay()), weeks);
  }

  /** {@link #sameWeekday(DailySeries, LocalDate, int)} of epoch day {@code day}. */
  static double sameWeekday(DailySeries s, int day, int weeks) {
    return s.weekdayMedian(day, weeks, Baselines::computeSameWeekday);
  }

  private static double computeSameWeekday(DailySeries s, int day, int weeks) {
    double[] v = new double[weeks];
    int n = 0;
    for (int w = 1; w <= weeks; w++) {
      long x = s.at(day - 7 * w);
      if (x >= 0) {
        v[n++] = x;
      }
    }
    return n >= MIN_SAME_WEEKDAY ? Robust.median(v, n) : Double.NaN;
  }

  private static Optional<Estimate> flat(DailySeries s, int day, double floor) {
    double[] v = new double[FLAT_DAYS];
    int n = 0;
    for (int i = 1; i <= FLAT_DAYS; i++) {
      long x = s.at(day - i);
      if (x >= 0) {
        v[n++] = x;
      }
    }
    if (n < MIN_FLAT) {
      return Optional.empty();
    }
    double b = Robust.median(v, n);
    double[] res = new double[n];
    for (int i = 0; i < n; i++) {
      res[i] = Robust.log1(v[i]) - Robust.log1(b);
    }
    return Optional.of(new Estimate(b, scale(res, n, floor), false));
  }

  /**
   * The noise unit of a rise from residuals {@code sorted[0..n)} in ascending order: 1.4826 times
   * (upper quartile - median), which is the MAD for a symmetric distribution; at least {@code floor}.
   */
  static double riseScale(double[] sorted, int n, double floor) {
    return Math.max(floor, Robust.MAD_TO_SD * (quantile(sorted, n, 0.75) - quantile(sorted, n, 0.5)));
  }

  /** The {@code q} quantile of {@code sorted[0..n)} in ascending order, n > 0, interpolated. */
  static double quantile(double[] sorted, int n, double q) {
    double pos = (n - 1) * q;
    int i = (int) Math.floor(pos);
    int j = Math.min(n - 1, i + 1);
    return sorted[i] + (pos - i) * (sorted[j] - sorted[i]);
  }

  private static double scale(double[] res, int n, double floor) {
    return Math.max(floor, Robust.MAD_TO_SD * Robust.mad(res, n));
  }

  /**
   * What the estimates of one series keep from one evaluated day to the next: the log residuals of
   * the previous {@value #RESIDUAL_DAYS} days, sorted (the window moves a day at a time), and the
   * last estimates (the drop rule asks again for one of the days before).
   */
  static final class Memo {
    /** Estimates kept: the drop rule's window starts at most 8 days back. */
    private static final int KEPT = 16;
    private static final int NONE = Integer.MIN_VALUE;

    private final SortedWindow residuals;
    private final int[] days = new int[KEPT];
    @SuppressWarnings("unchecked")
    private final Optional<Estimate>[] estimates = new Optional[KEPT];
    private int weeks;
    private double floor;
    /** Levels kept ({@link #level}), by day as the estimates, for {@link #levelWeeks} weeks. */
    private final int[] levelDays = new int[KEPT];
    private final double[] levels = new double[KEPT];
    private int levelWeeks;

    Memo(DailySeries s) {
      Arrays.fill(days, NONE);
      Arrays.fill(levelDays, NONE);
      residuals = new SortedWindow(true) {
        @Override
        int lanes() {
          return 1;
        }

        @Override
        boolean included(int day, int weeks) {
          return s.has(day) && !Double.isNaN(sameWeekday(s, day, weeks));
        }

        @Override
        double value(int lane, int day, int weeks) {
          // Against the weekday baseline at that day's recent level: a package that moved to a
          // new level is not "noisy" for the six weeks its weekday medians take to follow.
          return Robust.log1(s.at(day))
              - Robust.log1(leveled(sameWeekday(s, day, weeks), level(s, day, weeks)));
        }
      };
    }

    /** Bytes of the arrays held: the residual window and the kept days and estimates (not the estimates). */
    long bytes() {
      return residuals.bytes() + 16 + 4L * KEPT + 16 + 4L * KEPT + 16 + 4L * KEPT + 16 + 8L * KEPT;
    }

    /** The count of {@code day} changed: the estimates after it and residuals from it on are stale. */
    void changed(int day) {
      residuals.changed(day);
      for (int i = 0; i < KEPT; i++) {
        if (days[i] > day) {
          days[i] = NONE;
        }
        if (levelDays[i] > day) {
          levelDays[i] = NONE; // a level reads the days before its own
        }
      }
    }

    /** The estimate kept for {@code day} with these settings; null if none. */
    Optional<Estimate> estimate(int day, int weeks, double floor) {
      int i = day & (KEPT - 1);
      return days[i] == day && this.weeks == weeks && this.floor == floor ? estimates[i] : null;
    }

    /** The level kept for {@code day} over {@code weeks}; NaN if none (a level is never NaN). */
    double keptLevel(int day, int weeks) {
      int i = day & (KEPT - 1);
      return levelDays[i] == day && levelWeeks == weeks ? levels[i] : Double.NaN;
    }

    void keepLevel(int day, int weeks, double level) {
      if (levelWeeks != weeks) {
        Arrays.fill(levelDays, NONE);
        levelWeeks = weeks;
      }
      int i = day & (KEPT - 1);
      levelDays[i] = day;
      levels[i] = level;
    }

    void keep(int day, int weeks, double floor, Optional<Estimate> e) {
      if (this.weeks != weeks || this.floor != floor) {
        Arrays.fill(days, NONE);
        this.weeks = weeks;
        this.floor = floor;
      }
      int i = day & (KEPT - 1);
      days[i] = day;
      estimates[i] = e;
    }
  }
}
