package dev.pypiwatch.rules;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A window slid a day at a time holds what sorting the window's values gives (Arrays.sort order). */
class SortedWindowTest {
  private static final double[] ODD = {0.0, -0.0, Double.NaN, 1.0, 1.0, Double.POSITIVE_INFINITY, -2.5};

  @Test
  void slidingMatchesSortingWithTiesSignedZerosAndNaN() {
    SplittableRandom r = new SplittableRandom(17);
    double[][] values = new double[2][400];
    boolean[] missing = new boolean[400];
    for (int d = 0; d < 400; d++) {
      missing[d] = r.nextInt(6) == 0;
      for (int lane = 0; lane < 2; lane++) {
        values[lane][d] = r.nextInt(4) == 0 ? ODD[r.nextInt(ODD.length)] : r.nextInt(20) / 4.0;
      }
    }
    SortedWindow w = new SortedWindow() {
      @Override
      int lanes() {
        return 2;
      }

      @Override
      boolean included(int day, int param) {
        return day >= 0 && day < 400 && !missing[day];
      }

      @Override
      double value(int lane, int day, int param) {
        return values[lane][day];
      }
    };
    for (int end = 0; end < 420; end++) {
      for (int lane = 0; lane < 2; lane++) {
        double[] expected = new double[30];
        int n = 0;
        for (int d = end - 29; d <= end; d++) {
          if (d >= 0 && d < 400 && !missing[d]) {
            expected[n++] = values[lane][d];
          }
        }
        expected = Arrays.copyOf(expected, n);
        Arrays.sort(expected);
        assertArrayEquals(expected, w.sorted(lane, end, 30, 0), "lane " + lane + " to day " + end);
      }
    }
  }

  @Test
  void aWindowKeepingItsValuesSlidesAlikeAndRebuildsOnAChange() {
    SplittableRandom r = new SplittableRandom(23);
    double[][] values = new double[3][400];
    boolean[] missing = new boolean[400];
    for (int d = 0; d < 400; d++) {
      missing[d] = r.nextInt(6) == 0;
      for (int lane = 0; lane < 3; lane++) {
        values[lane][d] = r.nextInt(4) == 0 ? ODD[r.nextInt(ODD.length)] : r.nextInt(20) / 4.0;
      }
    }
    SortedWindow w = new SortedWindow(true) {
      @Override
      int lanes() {
        return 3;
      }

      @Override
      boolean included(int day, int param) {
        return day >= 0 && day < 400 && !missing[day];
      }

      @Override
      double value(int lane, int day, int param) {
        return values[lane][day];
      }
    };
    for (int end = 0; end < 420; end++) {
      if (end % 37 == 0 && end >= 10 && end < 400) {
        // A revision inside the window: the kept value is stale, the owner says so.
        int d = end - r.nextInt(10);
        values[r.nextInt(3)][d] = r.nextInt(20) / 4.0;
        missing[d] = r.nextBoolean();
        w.changed(d);
      }
      for (int lane = 0; lane < 3; lane++) {
        double[] expected = new double[30];
        int n = 0;
        for (int d = end - 29; d <= end; d++) {
          if (d >= 0 && d < 400 && !missing[d]) {
            expected[n++] = values[lane][d];
          }
        }
        expected = Arrays.copyOf(expected, n);
        Arrays.sort(expected);
        assertArrayEquals(expected, w.sorted(lane, end, 30, 0), "lane " + lane + " to day " + end);
      }
    }
  }
}
