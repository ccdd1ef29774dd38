package dev.pypiwatch.rules;

import java.util.Arrays;

/** Robust location and scale: median and median absolute deviation. */
final class Robust {
  /** 1.4826 MAD estimates the standard deviation of a normal distribution. */
  static final double MAD_TO_SD = 1.4826;
  /** Up to this many values, insertion sort beats selection. */
  private static final int SMALL = 12;

  private Robust() {}

  /** The median of the first {@code n} values; NaN if {@code n} is 0. Does not change the array. */
  static double median(double[] values, int n) {
    if (n == 0) {
      return Double.NaN;
    }
    if (n <= values.length && sortedPlain(values, n)) {
      return middle(values, n);
    }
    return medianInPlace(Arrays.copyOf(values, n), n);
  }

  /** The median of {@code values}; NaN if empty. */
  static double median(double[] values) {
    return median(values, values.length);
  }

  /**
   * {@link #median(double[], int)} of values known to be ascending, finite and without -0.0 (as
   * shares are): the same number without checking them.
   */
  static double medianOfSorted(double[] sorted, int n) {
    return n == 0 ? Double.NaN : middle(sorted, n);
  }

  /** {@link #mad(double[], int)} of values as {@link #medianOfSorted} takes: the same number. */
  static double madOfSorted(double[] sorted, int n) {
    return n == 0 ? Double.NaN : sortedMad(sorted, n, middle(sorted, n));
  }

  /** The median absolute deviation from the median of the first {@code n} values; NaN if none. */
  static double mad(double[] values, int n) {
    if (n == 0) {
      return Double.NaN;
    }
    if (n <= values.length && sortedPlain(values, n)) {
      return sortedMad(values, n, middle(values, n));
    }
    double m = median(values, n);
    double[] dev = new double[n];
    for (int i = 0; i < n; i++) {
      dev[i] = Math.abs(values[i] - m);
    }
    return medianInPlace(dev, n);
  }

  /** The natural log of {@code x + 1}: defined at zero, close to ln x for counts above ~20. */
  static double log1(double x) {
    return Math.log1p(x);
  }

  /**
   * The median of {@code v[0..n)}, n > 0, reordering them. Runs on every evaluated day (tens of
   * medians a package-day), so it selects the middle instead of sorting everything.
   */
  private static double medianInPlace(double[] v, int n) {
    int mid = n / 2;
    if (!plain(v, n)) {
      // NaN or -0.0: Arrays.sort's total order (-0.0 before 0.0, NaN last) decides, as it always has.
      Arrays.sort(v, 0, n);
      return middle(v, n);
    }
    if (n <= SMALL) {
      insertionSort(v, 0, n - 1);
      return middle(v, n);
    }
    double upper = select(v, n, mid);
    if (n % 2 == 1) {
      return upper;
    }
    // select leaves the mid smallest values before mid: the lower middle is the largest of them.
    double lower = v[0];
    for (int i = 1; i < mid; i++) {
      if (v[i] > lower) {
        lower = v[i];
      }
    }
    return (lower + upper) / 2;
  }

  /** The median of sorted values. */
  private static double middle(double[] v, int n) {
    int mid = n / 2;
    return n % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  }

  /**
   * The MAD of sorted values around their median {@code m}: the deviations fall towards {@code m}
   * and rise after it, so the middle ones come from merging the two runs outwards, without sorting.
   */
  private static double sortedMad(double[] v, int n, double m) {
    int up = 0; // the first value at or above m: deviations rise from here, and fall before it
    while (up < n && v[up] < m) {
      up++;
    }
    int down = up - 1;
    int mid = n / 2;
    double previous = Double.NaN;
    double current = Double.NaN;
    for (int taken = 0; taken <= mid; taken++) {
      double below = down >= 0 ? Math.abs(v[down] - m) : Double.POSITIVE_INFINITY;
      double above = up < n ? Math.abs(v[up] - m) : Double.POSITIVE_INFINITY;
      previous = current;
      if (above <= below) {
        current = above;
        up++;
      } else {
        current = below;
        down--;
      }
    }
    return n % 2 == 1 ? current : (previous + current) / 2;
  }

  /** True if the first {@code n} values ascend and all are finite and none is -0.0. */
  private static boolean sortedPlain(double[] v, int n) {
    double last = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      double x = v[i];
      if (x < last || !Double.isFinite(x) || Double.doubleToRawLongBits(x) == Long.MIN_VALUE) {
        return false;
      }
      last = x;
    }
    return true;
  }

  /** True if no value is NaN or -0.0, so {@code <} orders them as {@link Arrays#sort} does. */
  private static boolean plain(double[] v, int n) {
    for (int i = 0; i < n; i++) {
      double x = v[i];
      if (x != x || Double.doubleToRawLongBits(x) == Long.MIN_VALUE) {
        return false;
      }
    }
    return true;
  }

  /**
   * Puts the {@code k}-th smallest of {@code v[0..n)} at {@code k}, smaller or equal values before
   * it and larger or equal after it (Hoare's FIND with a median-of-three pivot); returns it.
   */
  private static double select(double[] v, int n, int k) {
    int lo = 0;
    int hi = n - 1;
    while (hi - lo > SMALL) {
      int m = (lo + hi) >>> 1;
      order(v, lo, m);
      order(v, m, hi);
      order(v, lo, m);
      double pivot = v[m];
      int i = lo;
      int j = hi;
      do {
        while (v[i] < pivot) {
          i++;
        }
        while (pivot < v[j]) {
          j--;
        }
        if (i <= j) {
          double t = v[i];
          v[i++] = v[j];
          v[j--] = t;
        }
      } while (i <= j);
      if (k <= j) {
        hi = j;
      } else if (k >= i) {
        lo = i;
      } else {
        return v[k]; // between j and i every value equals the pivot
      }
    }
    insertionSort(v, lo, hi);
    return v[k];
  }

  private static void order(double[] v, int a, int b) {
    if (v[b] < v[a]) {
      double t = v[a];
      v[a] = v[b];
      v[b] = t;
    }
  }

  private static void insertionSort(double[] v, int from, int to) {
    for (int i = from + 1; i <= to; i++) {
      double x = v[i];
      int j = i - 1;
      while (j >= from && v[j] > x) {
        v[j + 1] = v[j];
        j--;
      }
      v[j + 1] = x;
    }
  }
}
