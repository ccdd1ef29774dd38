package dev.pypiwatch.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Selection and the sorted-input shortcuts give exactly what sorting a copy gives. */
class RobustTest {
  private static double sortedMedian(double[] values, int n) {
    if (n == 0) {
      return Double.NaN;
    }
    double[] v = Arrays.copyOf(values, n);
    Arrays.sort(v);
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  private static double sortedMad(double[] values, int n) {
    double m = sortedMedian(values, n);
    double[] dev = new double[n];
    for (int i = 0; i < n; i++) {
      dev[i] = Math.abs(values[i] - m);
    }
    return sortedMedian(dev, n);
  }

  private static double[] sample(SplittableRandom r, int n) {
    double[] v = new double[n];
    int kind = r.nextInt(4);
    for (int i = 0; i < n; i++) {
      v[i] = switch (kind) {
        case 0 -> r.nextDouble();
        case 1 -> r.nextInt(5); // many ties
        case 2 -> r.nextInt(3) == 0 ? 0.0 : r.nextDouble() / 7; // shares with absent days
        default -> Math.log1p(r.nextInt(1_000_000)) - Math.log1p(500_000);
      };
    }
    if (r.nextBoolean()) {
      Arrays.sort(v); // the baseline shares come sorted
    }
    return v;
  }

  @Test
  void medianAndMadMatchSortingOnRandomInput() {
    SplittableRandom r = new SplittableRandom(7);
    for (int trial = 0; trial < 20_000; trial++) {
      int n = r.nextInt(70);
      double[] v = sample(r, n);
      double[] before = v.clone();
      int used = n == 0 ? 0 : r.nextInt(n + 1);
      assertEquals(sortedMedian(v, used), Robust.median(v, used), Arrays.toString(v) + " " + used);
      assertEquals(sortedMad(v, used), Robust.mad(v, used), Arrays.toString(v) + " " + used);
      assertEquals(Arrays.toString(before), Arrays.toString(v), "the input is left alone");
    }
  }

  @Test
  void nanNegativeZeroAndInfinityKeepArraysSortOrder() {
    double[][] cases = {
      {0.0, -0.0, 1.0, -1.0},
      {-0.0, 0.0},
      {0.0, -0.0, -0.0, 0.0, 2.0, -2.0, 0.0, -0.0, 1.0, 3.0, -3.0, 0.0, -0.0, 5.0},
      {Double.NaN, 1.0, 2.0},
      {1.0, Double.NaN, Double.NaN, 3.0, 0.5, 2.0, 9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.5, 2.5},
      {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 1.0},
      {1.0, 2.0, Double.POSITIVE_INFINITY},
      {Double.NEGATIVE_INFINITY, 0.0, Double.POSITIVE_INFINITY, 4.0},
    };
    for (double[] v : cases) {
      assertEquals(sortedMedian(v, v.length), Robust.median(v), Arrays.toString(v));
      assertEquals(sortedMad(v, v.length), Robust.mad(v, v.length), Arrays.toString(v));
    }
  }
}
