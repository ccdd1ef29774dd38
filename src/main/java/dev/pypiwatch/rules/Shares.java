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
  // The recent days kept, newest first, and their totals: every category's shares divide by them.
  // The baseline's days are only counted: the rule reads their shares from the endpoint's sorted
  // window, and two arrays of them a rule and day were a tenth of a backtest's allocations.
  private final int[] recent;
  private final long[] recentTotals;
  /** The indexes (in the endpoint's category order) of the named categories seen. */
  private final int[] categories;
  private int categoryCount;
  /** Room for one category's recent shares, reused: the rule takes a median of every category's. */
  private final double[] scratch;
  private int recentDays;
  private int baselineDays;
  private long recentTotal;

  Shares(PackageHistory h, Endpoint endpoint, LocalDate date, int recentDays, int baselineDays) {
    this(h.endpoint(endpoint), Math.toIntExact(date.toEpochDay()), recentDays, baselineDays);
  }

  /** The shares of {@code series} (null: none recorded) in the windows ending on epoch day {@code end}. */
  Shares(PackageHistory.EndpointSeries series, int end, int recentDays, int baselineDays) {
    this.series = series;
    baselineEnd = end - recentDays;
    baselineWindow = baselineDays;
    recent = new int[Math.max(0, recentDays)];
    recentTotals = new long[recent.length];
    scratch = new double[recent.length];
    if (series == null) {
      categories = new int[0];
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
        this.baselineDays++;
      }
      for (int c = 0; unseen > 0 && c < seen.length; c++) {
        if (!seen[c] && series.series(c).has(d)) {
          seen[c] = true;
          unseen--;
        }
      }
    }
    categories = new int[seen.length];
    for (int c = 0; c < seen.length; c++) {
      if (seen[c] && !series.name(c).equals(Categories.UNKNOWN)) {
        categories[categoryCount++] = c; // in category order: the endpoint keeps them sorted
      }
    }
  }

  /** The named categories (not {@code unknown}) seen in either window, sorted. */
  List<String> categories() {
    List<String> out = new ArrayList<>(categoryCount);
    for (int i = 0; i < categoryCount; i++) {
      out.add(series.name(categories[i]));
    }
    return out;
  }

  /** How many named categories were seen ({@link #categories}). */
  int categoryCount() {
    return categoryCount;
  }

  /** The endpoint's index ({@link PackageHistory.EndpointSeries#name}) of the {@code i}-th category seen. */
  int categoryIndex(int i) {
    return categories[i];
  }

  /** The last day of the baseline window (it ends where the recent window starts). */
  int baselineEnd() {
    return baselineEnd;
  }

  /**
   * The median of the recent daily shares of the endpoint's {@code index}-th category: the number
   * {@code Robust.median(recent(name))} gives (shares are finite and never -0.0, so sorting them
   * first changes no middle value), without a look-up by name or an array per call.
   */
  double recentMedian(int index) {
    DailySeries s = series.series(index);
    for (int i = 0; i < recentDays; i++) {
      scratch[i] = share(s, recent[i], recentTotals[i]);
    }
    // Insertion sort: a week of values, where Arrays.sort's dispatch costs more than the sorting.
    for (int i = 1; i < recentDays; i++) {
      double x = scratch[i];
      int j = i - 1;
      while (j >= 0 && scratch[j] > x) {
        scratch[j + 1] = scratch[j];
        j--;
      }
      scratch[j + 1] = x;
    }
    return Robust.medianOfSorted(scratch, recentDays);
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
    int[] days = new int[baselineDays];
    long[] totals = new long[baselineDays];
    int n = 0;
    for (int d = baselineEnd; d > baselineEnd - baselineWindow && series != null; d--) {
      long total = series.total(d);
      if (total > 0) {
        days[n] = d;
        totals[n++] = total;
      }
    }
    return shares(days, totals, n, category);
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
