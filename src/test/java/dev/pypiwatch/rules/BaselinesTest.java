package dev.pypiwatch.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The estimates kept between days (sorted residuals, recent estimates) follow the data. */
class BaselinesTest {
  private static final int DAY0 = 20_000;

  /** The estimate computed from scratch, as the rules define it. */
  private static Optional<Baselines.Estimate> fresh(DailySeries s, int day, int weeks, double floor) {
    double b = median(s, day, weeks);
    if (!Double.isNaN(b)) {
      double[] res = new double[Baselines.RESIDUAL_DAYS];
      int n = 0;
      for (int i = 1; i <= Baselines.RESIDUAL_DAYS; i++) {
        double bt = s.has(day - i) ? median(s, day - i, weeks) : Double.NaN;
        if (!Double.isNaN(bt)) {
          // Each residual against its day's baseline at that day's recent level.
          double leveled = Math.max(0, (bt + 1) * Math.exp(level(s, day - i, weeks)) - 1);
          res[n++] = Math.log1p(s.at(day - i)) - Math.log1p(leveled);
        }
      }
      if (n >= Baselines.MIN_RESIDUALS) {
        // The rise unit: 1.4826 (upper quartile - median), quartiles interpolated.
        double[] sorted = Arrays.copyOf(res, n);
        Arrays.sort(sorted);
        double rise = Robust.MAD_TO_SD * (quartile(sorted, 3) - sortedMedian(res, n));
        return Optional.of(new Baselines.Estimate(b, Math.max(floor, Robust.MAD_TO_SD * sortedMad(res, n)), true,
            Math.max(floor, rise)));
      }
    }
    double[] v = new double[Baselines.FLAT_DAYS];
    int n = 0;
    for (int i = 1; i <= Baselines.FLAT_DAYS; i++) {
      if (s.has(day - i)) {
        v[n++] = s.at(day - i);
      }
    }
    if (n < Baselines.MIN_FLAT) {
      return Optional.empty();
    }
    double b2 = sortedMedian(v, n);
    double[] res = new double[n];
    for (int i = 0; i < n; i++) {
      res[i] = Math.log1p(v[i]) - Math.log1p(b2);
    }
    return Optional.of(new Baselines.Estimate(b2, Math.max(floor, Robust.MAD_TO_SD * sortedMad(res, n)), false));
  }

  /** The recent level from scratch: quartiles of the 14 residuals before {@code day}. */
  private static double level(DailySeries s, int day, int weeks) {
    double[] v = new double[Baselines.LEVEL_DAYS];
    int n = 0;
    for (int i = 1; i <= Baselines.LEVEL_DAYS; i++) {
      double b = s.has(day - i) ? median(s, day - i, weeks) : Double.NaN;
      if (!Double.isNaN(b)) {
        v[n++] = Math.log1p(s.at(day - i)) - Math.log1p(b);
      }
    }
    if (2 * n < Baselines.LEVEL_DAYS) {
      return 0;
    }
    Arrays.sort(v, 0, n);
    double low = v[(n - 1) / 4];
    double high = v[n - 1 - (n - 1) / 4];
    return low > 0 ? low : high < 0 ? high : 0;
  }

  private static double median(DailySeries s, int day, int weeks) {
    double[] v = new double[weeks];
    int n = 0;
    for (int w = 1; w <= weeks; w++) {
      if (s.has(day - 7 * w)) {
        v[n++] = s.at(day - 7 * w);
      }
    }
    return n >= Baselines.MIN_SAME_WEEKDAY ? sortedMedian(v, n) : Double.NaN;
  }

  /** The {@code k}-th quartile of ascending {@code v}, linearly interpolated between ranks. */
  private static double quartile(double[] v, int k) {
    double pos = (v.length - 1) * k / 4.0;
    int i = (int) pos;
    return i + 1 < v.length ? v[i] + (pos - i) * (v[i + 1] - v[i]) : v[i];
  }

  private static double sortedMedian(double[] values, int n) {
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

  @Test
  void dayByDayWithRevisionsLookBacksAndOtherSettings() {
    SplittableRandom r = new SplittableRandom(11);
    DailySeries s = new DailySeries();
    for (int d = 0; d < 240; d++) {
      if (r.nextInt(12) > 0) { // some days unknown
        s.put(DAY0 + d, r.nextInt(5) == 0 ? r.nextInt(3) : 500 + r.nextInt(200));
      }
    }
    for (int d = 0; d < 260; d++) {
      int day = DAY0 + d;
      assertEquals(fresh(s, day, 6, 0.1), Baselines.at(s, day, 6, 0.1), "day " + d);
      int back = day - 1 - r.nextInt(8); // the drop rule's look back
      assertEquals(fresh(s, back, 6, 0.1), Baselines.at(s, back, 6, 0.1), "back " + d);
      if (r.nextInt(5) == 0) {
        s.put(day - r.nextInt(70), r.nextInt(900)); // a revision, maybe under the window
      }
      if (r.nextInt(7) == 0) {
        s.put(day + 1 + r.nextInt(3), 600); // a day ahead
      }
      if (r.nextInt(20) == 0) {
        assertEquals(fresh(s, day, 4, 0.2), Baselines.at(s, day, 4, 0.2), "other settings " + d);
      }
    }
  }

  @Test
  void theRecentLevelMovesOnlyWhenThreeQuartersOfTwoWeeksAgree() {
    // 1,000 a day for 8 weeks (weekday baselines 1,000), then the 14 days judged.
    java.util.function.BiFunction<Integer, java.util.function.IntUnaryOperator, Double> level =
        (judged, late) -> {
          DailySeries s = new DailySeries();
          for (int d = 0; d < 56; d++) {
            s.put(DAY0 + d, 1_000);
          }
          for (int d = 56; d < 56 + 14; d++) {
            s.put(DAY0 + d, late.applyAsInt(d - 56));
          }
          return Baselines.level(s, DAY0 + judged, 6);
        };
    double tripled = Math.log(3_001.0 / 1_001.0);
    // All 14 days at 3,000: the level is ln(3001/1001) (their weekday baselines are still 1,000).
    assertEquals(tripled, level.apply(70, d -> 3_000), 1e-9);
    // 11 of 14 high (the lower quartile, the 4th lowest of 14, is high): it moves.
    assertEquals(tripled, level.apply(70, d -> d < 3 ? 1_000 : 3_000), 1e-9);
    // 10 of 14 high: the lower quartile is a day at 1,000: no move.
    assertEquals(0, level.apply(70, d -> d < 4 ? 1_000 : 3_000), 1e-9);
    // A 3-day burst, or 11 days at a third: 0, then ln(334/1001).
    assertEquals(0, level.apply(70, d -> d >= 11 ? 5_000 : 1_000), 1e-9);
    assertEquals(Math.log(334.0 / 1_001.0), level.apply(70, d -> d < 3 ? 1_000 : 333), 1e-9);
    // Judged on day 62: 6 of its 14 days are high: no move.
    assertEquals(0, level.apply(62, d -> 3_000), 1e-9);
  }
}
