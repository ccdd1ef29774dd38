package dev.pypiwatch.ingest;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The counts published for the days of one series, as an array by epoch day from the first
 * published day to the last, {@link #NONE} for a day in between with nothing published. Immutable;
 * {@link Draft} makes them.
 *
 * <p>The poller keeps this for every series of every package it owns (about 17 series of 181 days
 * a package), so a day takes an {@code int} (a {@code long} for a series with a count past the int
 * range, such as the ecosystem's totals), not a map entry with a boxed date and count: 4 bytes a
 * day instead of about 70. The rule stage's {@code rules.DayArray} has the same idea but is mutable
 * and grows in place with slack; this one is shared between polls and threads, so it is exact-size
 * and copied on write.
 */
final class PublishedDays {
  /** A day with nothing published (counts are never negative). */
  static final long NONE = -1;

  /** The epoch day of index 0; published, as is the last index. */
  private final int first;
  /** The counts while they all fit an int; null otherwise. */
  private final int[] small;
  /** The counts when one does not fit an int; null otherwise. */
  private final long[] large;

  private PublishedDays(int first, int[] small, long[] large) {
    this.first = first;
    this.small = small;
    this.large = large;
  }

  /**
   * The days {@code values[from]} to {@code values[to - 1]}, index 0 being epoch day {@code
   * origin}; null when none of them is published.
   */
  static PublishedDays of(int origin, long[] values, int from, int to) {
    while (from < to && values[from] == NONE) {
      from++;
    }
    while (to > from && values[to - 1] == NONE) {
      to--;
    }
    if (from == to) {
      return null;
    }
    boolean wide = false;
    for (int i = from; i < to && !wide; i++) {
      wide = values[i] > Integer.MAX_VALUE;
    }
    if (wide) {
      return new PublishedDays(origin + from, null, Arrays.copyOfRange(values, from, to));
    }
    int[] ints = new int[to - from];
    for (int i = from; i < to; i++) {
      ints[i - from] = (int) values[i];
    }
    return new PublishedDays(origin + from, ints, null);
  }

  /** The count published for epoch day {@code day}, or {@link #NONE}. */
  long get(int day) {
    int i = day - first;
    if (i < 0 || i >= length()) {
      return NONE;
    }
    return large != null ? large[i] : small[i];
  }

  /** The first published epoch day. */
  int firstDay() {
    return first;
  }

  /** The last published epoch day. */
  int lastDay() {
    return first + length() - 1;
  }

  /** The sum of the counts published from epoch day {@code from} to {@code to}, both included. */
  long sum(int from, int to) {
    long sum = 0;
    for (int d = Math.max(from, first); d <= Math.min(to, lastDay()); d++) {
      long n = get(d);
      if (n != NONE) {
        sum = Math.addExact(sum, n);
      }
    }
    return sum;
  }

  /** These days without those before epoch day {@code day}; null when none is left. */
  PublishedDays from(int day) {
    if (day <= first) {
      return this;
    }
    return of(first, longs(), day - first, length());
  }

  /** The published days as a sorted map (a copy: for tests and diagnostics, not the hot path). */
  NavigableMap<LocalDate, Long> toMap() {
    TreeMap<LocalDate, Long> map = new TreeMap<>();
    for (int i = 0; i < length(); i++) {
      long n = large != null ? large[i] : small[i];
      if (n != NONE) {
        map.put(LocalDate.ofEpochDay(first + i), n);
      }
    }
    return Collections.unmodifiableNavigableMap(map);
  }

  /** Bytes of the array held (its header included), from its length: footprint checks without GC. */
  long bytes() {
    return large != null ? 16 + 8L * large.length : 16 + 4L * small.length;
  }

  private int length() {
    return large != null ? large.length : small.length;
  }

  private long[] longs() {
    if (large != null) {
      return large;
    }
    long[] values = new long[small.length];
    for (int i = 0; i < small.length; i++) {
      values[i] = small[i];
    }
    return values;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PublishedDays d
        && first == d.first
        && Arrays.equals(small, d.small)
        && Arrays.equals(large, d.large);
  }

  @Override
  public int hashCode() {
    return 31 * first + (large != null ? Arrays.hashCode(large) : Arrays.hashCode(small));
  }

  @Override
  public String toString() {
    return toMap().toString();
  }

  /** Mutable days of one series while a poll is planned: grows to take any day. */
  static final class Draft {
    /** Days added beyond the needed ones when the array grows, at least. */
    private static final int GROWTH = 32;

    private int origin;
    private long[] values = new long[0];

    /** A draft holding {@code from}'s days; an empty one for null. */
    Draft(PublishedDays from) {
      if (from != null) {
        origin = from.first;
        values = from.longs().clone();
      }
    }

    /** Sets epoch day {@code day} to {@code downloads}. */
    void put(int day, long downloads) {
      if (downloads < 0) {
        throw new IllegalArgumentException("downloads < 0: " + downloads);
      }
      if (values.length == 0) {
        origin = day;
        values = filled(GROWTH);
      } else if (day < origin || day - origin >= values.length) {
        grow(day);
      }
      values[day - origin] = downloads;
    }

    /** The last epoch day set; {@link Integer#MIN_VALUE} if none. */
    int lastDay() {
      for (int i = values.length - 1; i >= 0; i--) {
        if (values[i] != NONE) {
          return origin + i;
        }
      }
      return Integer.MIN_VALUE;
    }

    /** The days from epoch day {@code day} on, null when none; the draft stays usable. */
    PublishedDays build(int day) {
      int from = (int) Math.max(0, Math.min((long) day - origin, values.length));
      return of(origin, values, from, values.length);
    }

    private void grow(int day) {
      int last = origin + values.length - 1;
      int span = Math.max(last, day) - Math.min(origin, day) + 1;
      int capacity = span + Math.max(GROWTH, values.length);
      // The slack goes on the side of the new day: days mostly come in date order.
      int newOrigin = day < origin ? Math.max(last, day) - capacity + 1 : origin;
      long[] grown = filled(capacity);
      System.arraycopy(values, 0, grown, origin - newOrigin, values.length);
      origin = newOrigin;
      values = grown;
    }

    private static long[] filled(int length) {
      long[] a = new long[length];
      Arrays.fill(a, NONE);
      return a;
    }
  }
}
