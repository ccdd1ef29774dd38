package dev.pypiwatch.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** The same-weekday median memo follows revisions of the days under it and gives back the exact median. */
class DailySeriesTest {
  private static final LocalDate D = LocalDate.of(2026, 4, 3);

  @Test
  void aRevisionUnderAMemoizedMedianIsSeen() {
    DailySeries s = new DailySeries();
    for (int w = 1; w <= 6; w++) {
      s.put(D.minusWeeks(w), 100 * w);
    }
    assertEquals(350.0, Baselines.sameWeekday(s, D, 6), 1e-9);
    s.put(D.minusWeeks(1), 1_000); // 100 -> 1000: the median of 200..600 and 1000
    assertEquals(450.0, Baselines.sameWeekday(s, D, 6), 1e-9);
    s.put(D.minusWeeks(7), 5); // outside this date's weeks: unchanged
    assertEquals(450.0, Baselines.sameWeekday(s, D, 6), 1e-9);
  }

  @Test
  void tooFewWeekdaysIsNaNAndANewDayCanFillIt() {
    DailySeries s = new DailySeries();
    s.put(D.minusWeeks(1), 10);
    s.put(D.minusWeeks(2), 20);
    assertTrue(Double.isNaN(Baselines.sameWeekday(s, D, 6)));
    s.put(D.minusWeeks(3), 30);
    assertEquals(20.0, Baselines.sameWeekday(s, D, 6), 1e-9);
  }

  @Test
  void aMemoizedMedianIsTheComputedOneBitForBit() {
    DailySeries s = new DailySeries();
    long[] counts = {3_000_000_001L, 7, 2_999_999_998L, 1, 2_000_000_000L, 9_007_199_254_740_000L};
    for (int w = 1; w <= counts.length; w++) {
      s.put(D.minusWeeks(w), counts[w - 1]);
    }
    for (int weeks = 3; weeks <= 6; weeks++) {
      double first = Baselines.sameWeekday(s, D, weeks);
      double again = Baselines.sameWeekday(s, D, weeks); // from the memo
      assertEquals(Double.doubleToRawLongBits(first), Double.doubleToRawLongBits(again), "weeks " + weeks);
    }
    assertEquals(1_500_000_002.5, Baselines.sameWeekday(s, D, 4), 0); // (7 + 2,999,999,998) / 2
  }
}
