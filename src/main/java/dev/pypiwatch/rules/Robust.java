package dev.pypiwatch.rules;

import java.util.Arrays;

/** Robust location and scale: median and median absolute deviation. */
final class Robust {
  /** 1.4826 MAD estimates the standard deviation of a normal distribution. */
  static final double MAD_TO_SD = 1.4826;

  private Robust() {}

  /** The median of the first {@code n} values; NaN if {@code n} is 0. Does not change the array. */
  static double median(double[] values, int n) {
    if (n == 0) {
      return Double.NaN;
    }
    double[] v = Arrays.copyOf(values, n);
    Arrays.sort(v);
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  /** The median of {@code values}; NaN if empty. */
  static double median(double[] values) {
    return median(values, values.length);
  }

  /** The median absolute deviation from the median of the first {@code n} values; NaN if none. */
  static double mad(double[] values, int n) {
    double m = median(values, n);
    double[] dev = new double[n];
    for (int i = 0; i < n; i++) {
      dev[i] = Math.abs(values[i] - m);
    }
    return median(dev, n);
  }

  /** The natural log of {@code x + 1}: defined at zero, close to ln x for counts above ~20. */
  static double log1(double x) {
    return Math.log1p(x);
  }
}
