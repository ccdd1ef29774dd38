package dev.pypiwatch.rules;

import java.time.LocalDate;

/**
 * One category's daily counts. A date without a value is unknown (an upstream hole or a lost
 * day), never zero: the origin sends explicit zeros. Days are epoch days ({@link
 * LocalDate#toEpochDay}) in the hot paths, so a lookup is an array access.
 */
final class DailySeries {
  /** The count of an unknown day. */
  static final long UNKNOWN = -1;
  /**
   * Marks a day without a memoized median: a NaN bit pattern no computation yields (a median is a
   * number or {@link Double#NaN}, whose bits differ), so every double result, NaN included, can be
   * memoized.
   */
  private static final long NOT_MEMOIZED = 0x7ff0_dead_0000_0001L;

  /** How a same-weekday median is computed when it is not memoized. */
  @FunctionalInterface
  interface WeekdayMedian {
    double compute(DailySeries s, int day, int weeks);
  }

  private final DayArray values = new DayArray(UNKNOWN);
  // Same-weekday medians by day (as raw bits), for one number of weeks: every evaluated day needs
  // ~57 of them (its own and those behind 8 weeks of residuals), and most were computed the day before.
  private final DayArray weekdayMedians = new DayArray(NOT_MEMOIZED);
  private int memoWeeks = -1;
  /** The last memoized day: a change after it invalidates nothing. */
  private int lastMemo = Integer.MIN_VALUE;
  private Baselines.Memo baselines;

  void put(LocalDate date, long downloads) {
    put(Math.toIntExact(date.toEpochDay()), downloads);
  }

  void put(int day, long downloads) {
    long old = values.set(day, downloads);
    if (memoWeeks > 0 && old != downloads && day < lastMemo) {
      // Only the medians of the weeks after this day used it.
      weekdayMedians.clear(day + 1, day + 7 * memoWeeks);
    }
    if (baselines != null && old != downloads) {
      baselines.changed(day);
    }
  }

  /** What {@link Baselines} keeps for this series between evaluated days. */
  Baselines.Memo baselines() {
    if (baselines == null) {
      baselines = new Baselines.Memo(this);
    }
    return baselines;
  }

  /** The same-weekday median of {@code day} over {@code weeks}, computed once until the data under it changes. */
  double weekdayMedian(int day, int weeks, WeekdayMedian compute) {
    if (weeks != memoWeeks) {
      weekdayMedians.clear();
      memoWeeks = weeks;
    }
    long bits = weekdayMedians.get(day);
    if (bits != NOT_MEMOIZED) {
      return Double.longBitsToDouble(bits);
    }
    double v = compute.compute(this, day, weeks);
    weekdayMedians.set(day, Double.doubleToRawLongBits(v));
    lastMemo = Math.max(lastMemo, day);
    return v;
  }

  /** True if {@code date} has a count. */
  boolean has(LocalDate date) {
    return at(date) >= 0;
  }

  /** True if {@code day} has a count. */
  boolean has(int day) {
    return values.get(day) >= 0;
  }

  /** The count on {@code date}, or -1 if unknown. */
  long at(LocalDate date) {
    return at(Math.toIntExact(date.toEpochDay()));
  }

  /** The count on {@code day}, or -1 if unknown. */
  long at(int day) {
    return values.get(day);
  }
}
