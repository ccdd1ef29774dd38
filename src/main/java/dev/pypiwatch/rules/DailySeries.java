package dev.pypiwatch.rules;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleSupplier;

/**
 * One category's daily counts. A date without a value is unknown (an upstream hole or a lost
 * day), never zero: the origin sends explicit zeros.
 */
final class DailySeries {
  private final Map<LocalDate, Long> values = new HashMap<>();
  // Same-weekday medians by date, for one number of weeks: every evaluated day needs ~57 of them
  // (its own and those behind 8 weeks of residuals), and most were computed the day before.
  private final TreeMap<LocalDate, Double> weekdayMedians = new TreeMap<>();
  private int memoWeeks = -1;

  void put(LocalDate date, long downloads) {
    Long old = values.put(date, downloads);
    if (memoWeeks > 0 && (old == null || old != downloads)) {
      // Only the medians of the weeks after this day used it.
      weekdayMedians.subMap(date, false, date.plusWeeks(memoWeeks), true).clear();
    }
  }

  /** The same-weekday median of {@code date} over {@code weeks}, computed once until the data under it changes. */
  double weekdayMedian(LocalDate date, int weeks, DoubleSupplier compute) {
    if (weeks != memoWeeks) {
      weekdayMedians.clear();
      memoWeeks = weeks;
    }
    Double v = weekdayMedians.get(date);
    if (v == null) {
      v = compute.getAsDouble();
      weekdayMedians.put(date, v);
    }
    return v;
  }

  /** True if {@code date} has a count. */
  boolean has(LocalDate date) {
    return values.containsKey(date);
  }

  /** The count on {@code date}, or -1 if unknown. */
  long at(LocalDate date) {
    Long v = values.get(date);
    return v == null ? -1 : v;
  }
}
