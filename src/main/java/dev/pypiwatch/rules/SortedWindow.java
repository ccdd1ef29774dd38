package dev.pypiwatch.rules;

import java.util.Arrays;

/**
 * The values of the days of a window (those that have one), each lane's kept in ascending order.
 * The rules take order-free statistics (median, MAD, max) of a window that moves a day at a time
 * as the evaluated day does: one day out and one in replaces sorting all the values again.
 *
 * <p>A subclass says which days have values and what they are; the owner calls {@link #changed}
 * when data under a day changes, and {@link #invalidate} when the lanes change.
 */
abstract class SortedWindow {
  private static final int NONE = Integer.MIN_VALUE;

  /** The newest day of the window held; NONE when nothing is held. */
  private int end = NONE;
  private int days;
  /** What else the values depend on (e.g. a number of weeks); a new one rebuilds. */
  private int param;
  /** How many days of the window have values: the length of every lane's values. */
  private int count;
  private double[][] sorted = new double[0][];
  /**
   * With {@link #keepsValues}: each lane's value of each day held, and whether the day had values,
   * at {@code floorMod(day, days)}: the day leaving the window is taken out by the value it came in
   * with instead of one computed again (a residual's costs a level and two logs). Every change to a
   * held day rebuilds the window ({@link #changed}), so the two are the same number.
   */
  private final boolean keepsValues;
  private double[][] byDay = new double[0][];
  private boolean[] includedByDay = new boolean[0];

  /** A window that computes a leaving day's values again (they are cheap), keeping no more arrays. */
  SortedWindow() {
    this(false);
  }

  /** A window that keeps each held day's values if {@code keepsValues} (for costly values). */
  SortedWindow(boolean keepsValues) {
    this.keepsValues = keepsValues;
  }

  /** How many lanes (e.g. categories) there are. */
  abstract int lanes();

  /** True if {@code day} has values (in every lane); false leaves it out of the window. */
  abstract boolean included(int day, int param);

  /** The value of {@code lane} on an included {@code day}. */
  abstract double value(int lane, int day, int param);

  /** Bytes of the lanes' arrays held (headers included). */
  long bytes() {
    long b = 16 + 4L * sorted.length;
    for (double[] v : sorted) {
      b += 16 + 8L * v.length;
    }
    if (keepsValues) {
      b += 16 + 4L * byDay.length + 16 + includedByDay.length;
      for (double[] v : byDay) {
        b += 16 + 8L * v.length;
      }
    }
    return b;
  }

  /** The value of {@code day} changed, or one that values of later days depend on. */
  void changed(int day) {
    if (day <= end) {
      end = NONE;
    }
  }

  /** The lanes changed: every index moved. */
  void invalidate() {
    end = NONE;
  }

  /**
   * The values of {@code lane} on the included days of [{@code end - days + 1}, {@code end}],
   * ascending.
   */
  double[] sorted(int lane, int end, int days, int param) {
    moveTo(end, days, param);
    return Arrays.copyOf(sorted[lane], count);
  }

  /**
   * The window's own array of {@code lane}'s values, ascending in its first {@link #count} elements
   * (after {@link #moveTo}): read it, never write it, and not after the window moves again. Spares
   * the share rules a copy per category and day.
   */
  double[] lane(int lane) {
    return sorted[lane];
  }

  /** How many days of the window held have values: the length of every lane's values. */
  int count() {
    return count;
  }

  /** Holds the included days of [{@code newEnd - newDays + 1}, {@code newEnd}]. */
  void moveTo(int newEnd, int newDays, int newParam) {
    boolean same = end != NONE && newDays == days && newParam == param;
    if (same && newEnd == end) {
      return;
    }
    if (same && newEnd == end + 1 && days > 0 && slide(end - days + 1, newEnd)) {
      end = newEnd;
      return;
    }
    rebuild(newEnd, newDays, newParam);
  }

  private void rebuild(int newEnd, int newDays, int newParam) {
    end = newEnd;
    days = newDays;
    param = newParam;
    count = 0;
    int n = lanes();
    sorted = new double[n][Math.max(0, newDays)];
    if (keepsValues) {
      byDay = new double[n][Math.max(0, newDays)];
      includedByDay = new boolean[Math.max(0, newDays)];
    }
    for (int d = newEnd - newDays + 1; d <= newEnd; d++) {
      boolean in = included(d, param);
      if (keepsValues) {
        includedByDay[slot(d)] = in;
      }
      if (in) {
        for (int c = 0; c < n; c++) {
          double x = value(c, d, param);
          sorted[c][count] = x;
          if (keepsValues) {
            byDay[c][slot(d)] = x;
          }
        }
        count++;
      }
    }
    for (double[] v : sorted) {
      Arrays.sort(v, 0, count);
    }
  }

  /**
   * Takes day {@code out}'s values out and day {@code in}'s in; false if one of {@code out}'s is not
   * there (the window then needs a rebuild). When both days have values, each lane's value is
   * replaced in one move of the values between the two places instead of two: the lane comes out
   * the same sorted array either way.
   */
  private boolean slide(int out, int in) {
    boolean wasIn = keepsValues ? includedByDay[slot(out)] : included(out, param);
    if (!wasIn || !included(in, param)) {
      if (!remove(out)) {
        return false;
      }
      add(in);
      return true;
    }
    for (int c = 0; c < sorted.length; c++) {
      double[] v = sorted[c];
      double x = keepsValues ? byDay[c][slot(out)] : value(c, out, param);
      int at = search(v, count, x);
      if (at == count || Double.compare(v[at], x) != 0) {
        return false;
      }
      double y = value(c, in, param);
      if (keepsValues) {
        byDay[c][slot(in)] = y; // the slot out had: read above
      }
      int order = Double.compare(y, x);
      if (order > 0) {
        int to = search(v, count, y) - 1; // above at: every value up to at is at most x
        System.arraycopy(v, at + 1, v, at, to - at);
        v[to] = y;
      } else if (order < 0) {
        int to = search(v, at, y);
        System.arraycopy(v, to, v, to + 1, at - to);
        v[to] = y;
      }
    }
    return true;
  }

  private void add(int day) {
    boolean in = included(day, param);
    if (keepsValues) {
      includedByDay[slot(day)] = in;
    }
    if (!in) {
      return;
    }
    for (int c = 0; c < sorted.length; c++) {
      double[] v = sorted[c];
      double x = value(c, day, param);
      if (keepsValues) {
        byDay[c][slot(day)] = x;
      }
      int at = search(v, count, x);
      System.arraycopy(v, at, v, at + 1, count - at);
      v[at] = x;
    }
    count++;
  }

  /** Takes {@code day}'s values out; false if one is not there (the window then needs a rebuild). */
  private boolean remove(int day) {
    if (keepsValues ? !includedByDay[slot(day)] : !included(day, param)) {
      return true;
    }
    for (int c = 0; c < sorted.length; c++) {
      double[] v = sorted[c];
      double x = keepsValues ? byDay[c][slot(day)] : value(c, day, param);
      int at = search(v, count, x);
      if (at == count || Double.compare(v[at], x) != 0) {
        return false;
      }
      System.arraycopy(v, at + 1, v, at, count - at - 1);
    }
    count--;
    return true;
  }

  /** Where {@code day}'s values are kept: a day leaving the window frees the slot of the one coming in. */
  private int slot(int day) {
    return Math.floorMod(day, days);
  }

  /**
   * The first index of {@code v[0..n)} not below {@code x} in {@link Arrays#sort}'s order ({@code
   * n} if none).
   */
  private static int search(double[] v, int n, double x) {
    int lo = 0;
    int hi = n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      double m = v[mid];
      // < decides for plain values; Double.compare only for ties, -0.0 and NaN (as Arrays.sort)
      if (m < x || (!(m > x) && Double.compare(m, x) < 0)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
