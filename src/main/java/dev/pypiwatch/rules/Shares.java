package dev.pypiwatch.rules;

import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.Endpoint;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Daily shares of the categories of one endpoint over a recent window and the baseline window
 * before it. Days without data (unknown) or without downloads are left out.
 */
final class Shares {
  private final List<Map<String, Long>> recent = new ArrayList<>();
  private final List<Map<String, Long>> baseline = new ArrayList<>();
  // Each day's total, computed once: every category's shares divide by it (the hot path).
  private final List<Long> recentTotals = new ArrayList<>();
  private final List<Long> baselineTotals = new ArrayList<>();
  private final TreeSet<String> categories = new TreeSet<>();
  private long recentTotal;

  Shares(PackageHistory h, Endpoint endpoint, LocalDate date, int recentDays, int baselineDays) {
    for (int i = 0; i < recentDays + baselineDays; i++) {
      LocalDate d = date.minusDays(i);
      long total = h.total(endpoint, d);
      if (total <= 0) {
        continue;
      }
      Map<String, Long> day = h.day(endpoint, d);
      if (i < recentDays) {
        recent.add(day);
        recentTotals.add(total);
        recentTotal += total;
      } else {
        baseline.add(day);
        baselineTotals.add(total);
      }
      for (String c : day.keySet()) {
        if (!c.equals(Categories.UNKNOWN)) {
          categories.add(c);
        }
      }
    }
  }

  /** The named categories (not {@code unknown}) seen in either window, sorted. */
  TreeSet<String> categories() {
    return categories;
  }

  int recentDays() {
    return recent.size();
  }

  int baselineDays() {
    return baseline.size();
  }

  long recentTotal() {
    return recentTotal;
  }

  /** The daily shares of {@code category} in the recent window (0 where absent). */
  double[] recent(String category) {
    return shares(recent, recentTotals, category);
  }

  /** The daily shares of {@code category} in the baseline window (0 where absent). */
  double[] baseline(String category) {
    return shares(baseline, baselineTotals, category);
  }

  private static double[] shares(List<Map<String, Long>> days, List<Long> totals, String category) {
    double[] out = new double[days.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = days.get(i).getOrDefault(category, 0L) / (double) totals.get(i);
    }
    return out;
  }

}
