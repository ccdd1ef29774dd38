package dev.pypiwatch.rules;

import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.Endpoint;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Daily shares of the categories of one endpoint over a recent window and the baseline window
 * before it. Days without data (unknown) or without downloads are left out.
 */
final class Shares {
  private final PackageHistory.EndpointSeries series;
  private final int baselineEnd;
  private final int baselineWindow;
  // The days kept, newest first, and their totals: every category's shares divide by them.
  private final int[] recent;
  private final long[] recentTotals;
  private final int[] baseline;
  private final long[] baselineTotals;
  private final List<String> categories = new ArrayList<>();
  private int recentDays;
  private int baselineDays;
  private long recentTotal;

  Shares(PackageHistory h, Endpoint endpoint, LocalDate date, int recentDays, int baselineDays) {
    series = h.endpoint(endpoint);
    int end = Math.toIntExact(date.toEpochDay());
    baselineEnd = end - recentDays;
    baselineWindow = baselineDays;
    recent = new int[Math.max(0, recentDays)];
    recentTotals = new long[recent.length];
    baseline = new int[Math.max(0, baselineDays)];
    baselineTotals = new long[baseline.length];
    if (series == null) {
      return;
    }
    boolean[] seen = new boolean[series.size()];
    int unseen = seen.length;
    for (int i = 0; i < recentDays + baselineDays; i++) {
      int d = end - i;
      long total = series.total(d);
      if (total <= 0) {
        continue;
      }
      if (i < recentDays) {
        recent[this.recentDays] = d;
        recentTotals[this.recentDays++] = total;
        recentTotal += total;
      } else {
        baseline[this.baselineDays] = d;
        baselineTotals[this.baselineDays++] = total;
      }
      for (int c = 0; unseen > 0 && c < seen.length; c++) {
        if (!seen[c] && series.series(c).has(d)) {
          seen[c] = true;
          unseen--;
        }
      }
    }
    for (int c = 0; c < seen.length; c++) {
      if (seen[c] && !series.name(c).equals(Categories.UNKNOWN)) {
        categories.add(series.name(c)); // in category order: the endpoint keeps them sorted
      }
    }
  }

  /** The named categories (not {@code unknown}) seen in either window, sorted. */
  List<String> categories() {
    return categories;
  }

  int recentDays() {
    return recentDays;
  }

  int baselineDays() {
    return baselineDays;
  }

  long recentTotal() {
    return recentTotal;
  }

  /** The daily shares of {@code category} in the recent window (0 where absent), newest first. */
  double[] recent(String category) {
    return shares(recent, recentTotals, recentDays, category);
  }

  /** The daily shares of {@code category} in the baseline window (0 where absent), newest first. */
  double[] baseline(String category) {
    return shares(baseline, baselineTotals, baselineDays, category);
  }

  /**
   * The shares of {@code category} in the baseline window in ascending order, not by date: for
   * order-free statistics (median, MAD, max), without sorting them every day.
   */
  double[] sortedBaseline(String category) {
    int i = series == null ? -1 : series.indexOf(category);
    return i < 0 ? new double[baselineDays] : series.sortedShares(i, baselineEnd, baselineWindow);
  }

  /** The share of {@code s}'s count on {@code day} (0 if unknown) in {@code total}. */
  static double share(DailySeries s, int day, long total) {
    long x = s == null ? 0 : Math.max(0, s.at(day));
    return x / (double) total;
  }

  private double[] shares(int[] days, long[] totals, int n, String category) {
    DailySeries s = series == null ? null : series.of(category);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = share(s, days[i], totals[i]);
    }
    return out;
  }
}
