package dev.pypiwatch.rules;

import java.util.Arrays;

/**
 * A {@code long} per epoch day, over a dense range that grows to take any date set; a day never
 * set reads as the fill value. Dates are dense (one value a day, a few hundred days), so an
 * array indexed by day beats a map keyed by {@code LocalDate}: no boxing, no hashing, a few bytes a
 * day.
 *
 * <p>Days are held as {@code int}s (counts of most packages fit one) until a value does not fit,
 * then as {@code long}s, as {@code DailyCounts} does for the read model: the rule state of 10,000
 * packages is mostly these arrays. A bounded array ({@link #DayArray(long, int)}) keeps only its
 * newest days, for caches whose readers look back a known number of days.
 */
final class DayArray {
  /** Smallest allocation: two months, so a young series does not grow every few days. */
  private static final int MIN_CAPACITY = 64;
  /**
   * Days added beyond the needed ones when the array grows: a copy a month as days come in, and
   * at most a month of slack (doubling left up to 80 % of a half-year series' array empty).
   */
  private static final int GROWTH = 32;
  /** The array of every array never set (most of a package's memo arrays stay so). */
  private static final int[] NONE = new int[0];

  private final long fill;
  /** The most days held; a newer day past them drops the oldest. */
  private final int maxDays;
  /** The epoch day of index 0. */
  private int origin;
  /** How many days the array spans, whichever of the two holds them. */
  private int length;
  private int[] small = NONE;
  /** Replaces {@code small} on the first value outside the int range; null before. */
  private long[] large;

  DayArray(long fill) {
    this(fill, Integer.MAX_VALUE);
  }

  /** An array that keeps at most its newest {@code maxDays} days. */
  DayArray(long fill, int maxDays) {
    if (maxDays < MIN_CAPACITY) {
      throw new IllegalArgumentException("maxDays < " + MIN_CAPACITY + ": " + maxDays);
    }
    if ((int) fill != fill) {
      throw new IllegalArgumentException("fill outside the int range: " + fill);
    }
    this.fill = fill;
    this.maxDays = maxDays;
  }

  /** The value of {@code day}, or the fill value if never set (or dropped). */
  long get(int day) {
    int i = day - origin;
    return i >= 0 && i < length ? load(i) : fill;
  }

  /**
   * Sets {@code day} to {@code value}; returns the previous value (the fill value if none). A
   * bounded array ignores a day older than the newest days it keeps.
   */
  long set(int day, long value) {
    int i = index(day);
    if (i < 0) {
      return fill;
    }
    long old = load(i);
    store(i, value);
    return old;
  }

  /** Resets the days in [{@code from}, {@code to}] to the fill value; days outside the range are already. */
  void clear(int from, int to) {
    int a = Math.max(0, from - origin);
    int b = Math.min(length - 1, to - origin);
    if (a <= b) {
      fill(a, b + 1);
    }
  }

  /** Resets every day to the fill value. */
  void clear() {
    fill(0, length);
  }

  /**
   * Forgets the days before {@code day}: they read as the fill value and are kept again only if
   * set again. Frees their room for newer days (the array moves), and gives memory back when most
   * of the array would be empty.
   */
  void dropBefore(int day) {
    int shift = day - origin;
    if (length == 0 || shift <= 0) {
      return;
    }
    int kept = Math.max(0, length - shift);
    if (length - kept > 2 * GROWTH && length > MIN_CAPACITY) {
      int[] oldSmall = small;
      long[] oldLarge = large;
      allocate(Math.max(MIN_CAPACITY, kept + GROWTH));
      fill(0, length);
      if (kept > 0 && oldLarge != null) {
        System.arraycopy(oldLarge, shift, large, 0, kept);
      } else if (kept > 0) {
        System.arraycopy(oldSmall, shift, small, 0, kept);
      }
      origin = day;
    } else {
      moveTo(day);
    }
  }

  /** The first day set to other than the fill value; {@link Integer#MAX_VALUE} if none. */
  int firstSet() {
    for (int i = 0; i < length; i++) {
      if (load(i) != fill) {
        return origin + i;
      }
    }
    return Integer.MAX_VALUE;
  }

  /** The last day set to other than the fill value; {@link Integer#MIN_VALUE} if none. */
  int lastSet() {
    for (int i = length - 1; i >= 0; i--) {
      if (load(i) != fill) {
        return origin + i;
      }
    }
    return Integer.MIN_VALUE;
  }

  /** Bytes of the array held (its header included), for footprint checks that must not depend on GC. */
  long bytes() {
    return large != null ? 16 + 8L * large.length : 16 + 4L * small.length;
  }

  private long load(int i) {
    return large != null ? large[i] : small[i];
  }

  private void store(int i, long value) {
    if (large == null && (int) value != value) {
      large = new long[small.length];
      for (int k = 0; k < small.length; k++) {
        large[k] = small[k];
      }
      small = null;
    }
    if (large != null) {
      large[i] = value;
    } else {
      small[i] = (int) value;
    }
  }

  private void fill(int from, int to) {
    if (large != null) {
      Arrays.fill(large, from, to, fill);
    } else {
      Arrays.fill(small, from, to, (int) fill);
    }
  }

  /** The index of {@code day}, growing or moving the array to take it; -1 if too old to keep. */
  private int index(int day) {
    if (length == 0) {
      origin = day;
      allocate(MIN_CAPACITY);
      fill(0, length);
      return 0;
    }
    int i = day - origin;
    if (i >= 0 && i < length) {
      return i;
    }
    int first = Math.min(origin, day);
    int last = Math.max(origin + length - 1, day);
    long span = (long) last - first + 1;
    if (span > maxDays) {
      if (day < origin) {
        return -1;
      }
      return slide(day);
    }
    int capacity = (int) Math.min(maxDays, span + GROWTH);
    // Grow on the side the new day is on: records mostly come in date order, revisions go back.
    int newOrigin = day < origin ? last - capacity + 1 : first;
    int shift = origin - newOrigin;
    int[] oldSmall = small;
    long[] oldLarge = large;
    int oldLength = length;
    allocate(capacity);
    fill(0, length);
    if (oldLarge != null) {
      System.arraycopy(oldLarge, 0, large, shift, oldLength);
    } else {
      System.arraycopy(oldSmall, 0, small, shift, oldLength);
    }
    origin = newOrigin;
    return day - origin;
  }

  /** Moves a full bounded array forward so that {@code day} is its newest: the oldest days go. */
  private int slide(int day) {
    moveTo(day - length + 1);
    return length - 1;
  }

  /** Moves the days forward in place so that index 0 is {@code newOrigin} (after the origin). */
  private void moveTo(int newOrigin) {
    int shift = newOrigin - origin;
    int kept = Math.max(0, length - shift);
    if (kept > 0) {
      Object a = large != null ? large : small;
      System.arraycopy(a, shift, a, 0, kept);
    }
    fill(kept, length);
    origin = newOrigin;
  }

  /** A fresh array of {@code capacity} days, long if the current one is. */
  private void allocate(int capacity) {
    if (large != null) {
      large = new long[capacity];
    } else {
      small = new int[capacity];
    }
    length = capacity;
  }
}
