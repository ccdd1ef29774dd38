package dev.pypiwatch.rules;

import java.time.LocalDate;
import java.util.Optional;

/**
 * The expected count of a day and the noise of the series in log units: the median of the same
 * weekday over the last weeks (downloads are weekday-seasonal: weekends are 30-40% lower on busy
 * packages), and 1.4826 MAD of the log residuals of the previous 8 weeks. Unknown days are left
 * out of both.
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

  /**
   * One day's expectation.
   *
   * @param baseline expected count
   * @param scale noise unit of the log residual, at least the floor
   * @param seasonal false for the cold-start fallback (callers then demand more)
   */
  record Estimate(double baseline, double scale, boolean seasonal) {}

  private Baselines() {}

  /** The expectation for {@code date} from the days before it; empty during a cold start. */
  static Optional<Estimate> at(DailySeries s, LocalDate date, int weeks, double floor) {
    double b = sameWeekday(s, date, weeks);
    if (!Double.isNaN(b)) {
      double[] res = new double[RESIDUAL_DAYS];
      int n = 0;
      for (int i = 1; i <= RESIDUAL_DAYS; i++) {
        LocalDate t = date.minusDays(i);
        double bt = s.has(t) ? sameWeekday(s, t, weeks) : Double.NaN;
        if (!Double.isNaN(bt)) {
          res[n++] = Robust.log1(s.at(t)) - Robust.log1(bt);
        }
      }
      if (n >= MIN_RESIDUALS) {
        return Optional.of(new Estimate(b, scale(res, n, floor), true));
      }
    }
    return flat(s, date, floor);
  }

  /** The median of the known same weekdays of the last {@code weeks} weeks; NaN if too few. */
  static double sameWeekday(DailySeries s, LocalDate date, int weeks) {
    return s.weekdayMedian(date, weeks, () -> computeSameWeekday(s, date, weeks));
  }

  private static double computeSameWeekday(DailySeries s, LocalDate date, int weeks) {
    double[] v = new double[weeks];
    int n = 0;
    for (int w = 1; w <= weeks; w++) {
      long x = s.at(date.minusWeeks(w));
      if (x >= 0) {
        v[n++] = x;
      }
    }
    return n >= MIN_SAME_WEEKDAY ? Robust.median(v, n) : Double.NaN;
  }

  private static Optional<Estimate> flat(DailySeries s, LocalDate date, double floor) {
    double[] v = new double[FLAT_DAYS];
    int n = 0;
    for (int i = 1; i <= FLAT_DAYS; i++) {
      long x = s.at(date.minusDays(i));
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

  private static double scale(double[] res, int n, double floor) {
    return Math.max(floor, Robust.MAD_TO_SD * Robust.mad(res, n));
  }
}
