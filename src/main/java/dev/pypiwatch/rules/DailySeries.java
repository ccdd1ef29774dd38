package dev.pypiwatch.rules;

import dev.pypiwatch.events.Endpoint;
import java.time.LocalDate;

/**
 * One category's daily counts. A date without a value is unknown (an upstream hole or a lost
 * day), never zero: the origin sends explicit zeros. Days are epoch days ({@link
 * LocalDate#toEpochDay}) in the hot paths, so a lookup is an array access.
 */
final class DailySeries {
  /** The count of an unknown day. */
  static final long UNKNOWN = -1;
  /** Marks a day without a memoized median (a memoized one is twice the median, or {@link #NO_MEDIAN}). */
  private static final long NOT_MEMOIZED = -1;
  /** A memoized median that is NaN (too few same weekdays). */
  private static final long NO_MEDIAN = -2;
  /**
   * Medians memoized: the newest evaluated day's and those of the days its baselines look back on
   * (8 weeks of residuals, each with two weeks of levels, from a drop window up to 8 days back:
   * ~85 days); older ones are recomputed if asked.
   */
  private static final int MEMO_DAYS = 128;

  /** How a same-weekday median is computed when it is not memoized. */
  @FunctionalInterface
  interface WeekdayMedian {
    double compute(DailySeries s, int day, int weeks);
  }

  private final DayArray values = new DayArray(UNKNOWN);
  // Same-weekday medians by day, for one number of weeks: every evaluated day needs ~57 of them (its
  // own and those behind 8 weeks of residuals), and most were computed the day before. Kept as
  // twice the median: a median of counts is a count or the mean of two, so that is a whole number
  // and fits the int a day takes (a double's bits would take a long).
  // Made on the first median asked: most series (shares) are never asked one.
  private DayArray weekdayMedians;
  private int memoWeeks = -1;
  /** The last memoized day: a change after it invalidates nothing. */
  private int lastMemo = Integer.MIN_VALUE;
  private Baselines.Memo baselines;

  void put(LocalDate date, long downloads) {
    put(Math.toIntExact(date.toEpochDay()), downloads);
  }

  void put(int day, long downloads) {
    long old = values.set(day, downloads);
    if (weekdayMedians != null && memoWeeks > 0 && old != downloads && day < lastMemo) {
      // Only the medians of the weeks after this day used it.
      weekdayMedians.clear(day + 1, day + 7 * memoWeeks);
    }
    if (baselines != null && old != downloads) {
      baselines.changed(day);
    }
  }

  /** Bytes of the arrays held: the counts, the memoized medians and what the baselines keep. */
  long bytes() {
    return values.bytes() + (weekdayMedians == null ? 0 : weekdayMedians.bytes())
        + (baselines == null ? 0 : baselines.bytes());
  }

  /**
   * Forgets the counts before {@code day} (the rules look back less far than that). What was
   * computed from them (memoized medians, the baselines' windows) stays: it was right when made.
   */
  void dropBefore(int day) {
    values.dropBefore(day);
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
    if (weekdayMedians == null) {
      weekdayMedians = new DayArray(NOT_MEMOIZED, MEMO_DAYS);
    }
    if (weeks != memoWeeks) {
      weekdayMedians.clear();
      memoWeeks = weeks;
    }
    long twice = weekdayMedians.get(day);
    if (twice != NOT_MEMOIZED) {
      return twice == NO_MEDIAN ? Double.NaN : twice / 2.0;
    }
    double v = compute.compute(this, day, weeks);
    long code = Double.isNaN(v) ? NO_MEDIAN : (long) (2 * v);
    // Exact for every count below 2^52; a value the code would not give back is not memoized.
    if (code == NO_MEDIAN || (code >= 0 && Double.compare(code / 2.0, v) == 0)) {
      weekdayMedians.set(day, code);
      lastMemo = Math.max(lastMemo, day);
    }
    return v;
  }

  /**
   * The counts from the first known day to the last (unknown days inside as {@link #UNKNOWN}), and
   * that first day; an empty array if none is known: what the rule state's changelog keeps.
   */
  PackageState.Series export(Endpoint endpoint, String category) {
    int first = values.firstSet();
    if (first == Integer.MAX_VALUE) {
      return new PackageState.Series(endpoint, category, 0, new long[0]);
    }
    long[] counts = new long[values.lastSet() - first + 1];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = values.get(first + i);
    }
    return new PackageState.Series(endpoint, category, first, counts);
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
