package dev.pypiwatch.rules;

import java.util.Arrays;

/**
 * A {@code long} per epoch day, over a dense range that grows to take any date set; a day never
 * set reads as the fill value. Dates are dense (one value a day, a few hundred days), so an
 * array indexed by day beats a map keyed by {@code LocalDate}: no boxing, no hashing, a few bytes a
 * day.
 */
final class DayArray {
  /** Smallest allocation: a series usually grows to about half a year. */
  private static final int MIN_CAPACITY = 64;

  private final long fill;
  /** The epoch day of {@code values[0]}. */
  private int origin;
  private long[] values = new long[0];

  DayArray(long fill) {
    this.fill = fill;
  }

  /** The value of {@code day}, or the fill value if never set. */
  long get(int day) {
    int i = day - origin;
    return i >= 0 && i < values.length ? values[i] : fill;
  }

  /** Sets {@code day} to {@code value}; returns the previous value (the fill value if none). */
  long set(int day, long value) {
    int i = index(day);
    long old = values[i];
    values[i] = value;
    return old;
  }

  /** Resets the days in [{@code from}, {@code to}] to the fill value; days outside the range are already. */
  void clear(int from, int to) {
    int a = Math.max(0, from - origin);
    int b = Math.min(values.length - 1, to - origin);
    if (a <= b) {
      Arrays.fill(values, a, b + 1, fill);
    }
  }

  /** Resets every day to the fill value. */
  void clear() {
    Arrays.fill(values, fill);
  }

  /** The index of {@code day}, growing the array (doubling) to take it. */
  private int index(int day) {
    if (values.length == 0) {
      origin = day;
      values = new long[MIN_CAPACITY];
      Arrays.fill(values, fill);
      return 0;
    }
    int i = day - origin;
    if (i >= 0 && i < values.length) {
      return i;
    }
    int first = Math.min(origin, day);
    int last = Math.max(origin + values.length - 1, day);
    int needed = Math.toIntExact((long) last - first + 1);
    int capacity = Math.max(needed, 2 * values.length);
    // Grow on the side the new day is on: records mostly come in date order, revisions go back.
    int newOrigin = day < origin ? last - capacity + 1 : first;
    long[] grown = new long[capacity];
    Arrays.fill(grown, fill);
    System.arraycopy(values, 0, grown, origin - newOrigin, values.length);
    values = grown;
    origin = newOrigin;
    return day - origin;
  }
}
