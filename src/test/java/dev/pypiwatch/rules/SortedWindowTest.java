package dev.pypiwatch.rules;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A window slid a day at a time holds what sorting the window's values gives (Arrays.sort order). */
class SortedWindowTest {
  private static final double[] ODD = {0.0, -0.0, Double.NaN, 1.0, 1.0, Double.POSITIVE_INFINITY, -2.5};
  private static final int DAYS = 400;
  private static final int WINDOW = 30;

  @Test
  void slidingMatchesSortingWithTiesSignedZerosAndNaN() {
    SplittableRandom r = new SplittableRandom(17);
    double[][] values = new double[2][DAYS];
    boolean[] missing = new boolean[DAYS];
    fill(r, values, missing);
    SortedWindow w = over(values, missing, false);
    for (int end = 0; end < DAYS + 20; end++) {
      assertSorted(w, values, missing, end);
    }
  }

  @Test
  void aWindowKeepingItsValuesSlidesAlikeAndRebuildsOnAChange() {
    SplittableRandom r = new SplittableRandom(23);
    double[][] values = new double[3][DAYS];
    boolean[] missing = new boolean[DAYS];
    fill(r, values, missing);
    SortedWindow w = over(values, missing, true);
    for (int end = 0; end < DAYS + 20; end++) {
      if (end % 37 == 0 && end >= 10 && end < DAYS) {
        // A revision inside the window: the kept value is stale, the owner says so.
        int d = end - r.nextInt(10);
        values[r.nextInt(3)][d] = r.nextInt(20) / 4.0;
        missing[d] = r.nextBoolean();
        w.changed(d);
      }
      assertSorted(w, values, missing, end);
    }
  }

  /** Random days, some missing, a quarter of the values odd ones (ties, signed zeros, NaN, infinity). */
  private static void fill(SplittableRandom r, double[][] values, boolean[] missing) {
    for (int d = 0; d < DAYS; d++) {
      missing[d] = r.nextInt(6) == 0;
      for (double[] lane : values) {
        lane[d] = r.nextInt(4) == 0 ? ODD[r.nextInt(ODD.length)] : r.nextInt(20) / 4.0;
      }
    }
  }

  /** A window over {@code values}' lanes, leaving out the missing days. */
  private static SortedWindow over(double[][] values, boolean[] missing, boolean keepsValues) {
    return new SortedWindow(keepsValues) {
      @Override
      int lanes() {
        return values.length;
      }

      @Override
      boolean included(int day, int param) {
        return day >= 0 && day < DAYS && !missing[day];
      }

      @Override
      double value(int lane, int day, int param) {
        return values[lane][day];
      }
    };
  }

  /** Every lane of {@code w} to {@code end} holds the window's values as sorting them gives. */
  private static void assertSorted(SortedWindow w, double[][] values, boolean[] missing, int end) {
    for (int lane = 0; lane < values.length; lane++) {
      double[] expected = new double[WINDOW];
      int n = 0;
      for (int d = end - WINDOW + 1; d <= end; d++) {
        if (d >= 0 && d < DAYS && !missing[d]) {
          expected[n++] = values[lane][d];
        }
      }
      expected = Arrays.copyOf(expected, n);
      Arrays.sort(expected);
      assertArrayEquals(expected, w.sorted(lane, end, WINDOW, 0), "lane " + lane + " to day " + end);
    }
  }
}
