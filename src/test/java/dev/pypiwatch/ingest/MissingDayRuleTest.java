package dev.pypiwatch.ingest;

import static dev.pypiwatch.ingest.PollTesting.day;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MissingDayRuleTest {

  @ParameterizedTest
  @CsvSource({
    "5, 5",
    "1 9, 5",
    "9 1 5, 5",
    "0 0 0 40, 0",
    "0 0 20 20, 10",
    "3 1 2 4, 2.5"
  })
  void medianOfOddAndEvenCounts(String values, double expected) {
    long[] v = java.util.Arrays.stream(values.split(" ")).mapToLong(Long::parseLong).toArray();
    assertEquals(expected, MissingDayRule.median(v));
  }

  /** Counts {@code level} on every day 0..30 except day 15 (and except {@code missing}). */
  private static Map<LocalDate, Long> flat(long level, int... missing) {
    Map<LocalDate, Long> m = new TreeMap<>();
    for (int i = 0; i <= 30; i++) {
      m.put(day(i), level);
    }
    m.remove(day(15));
    for (int i : missing) {
      m.remove(day(i));
    }
    return m;
  }

  @ParameterizedTest(name = "level {0}, {1} other missing days: zero={2}")
  @CsvSource({
    "9, 0, true",      // below 10 a day: an omitted zero day
    "10, 0, false",    // 10 a day is not small
    "35000, 0, false", // a busy series losing a day: unknown
    "20, 7, false",    // 7 of 14 neighbours missing: median (0 + 20) / 2 = 10, not below 10
    "18, 7, true",     // (0 + 18) / 2 = 9
    "35000, 6, false"  // a busy series losing 7 days in a row is still busy
  })
  void smallLevelIsZeroBusyLevelIsUnknown(long level, int othersMissing, boolean zero) {
    int[] missing = new int[othersMissing];
    for (int k = 0; k < othersMissing; k++) {
      missing[k] = 8 + k; // days 8..14, all before day 15
    }
    assertEquals(zero, MissingDayRule.isZero(flat(level, missing), day(15), day(0), day(30), Set.of()));
  }

  @Test
  void windowIsClippedToTheRangeAndHolesAreLeftOut() {
    Map<LocalDate, Long> counts = flat(100);
    // At the range end only the 7 days before count.
    assertEquals(false, MissingDayRule.isZero(counts, day(31), day(0), day(30), Set.of()));
    // With the 7 busy days before as holes, only zeros after remain (range extends to 40).
    Set<LocalDate> holes = new HashSet<>();
    for (int i = 8; i <= 14; i++) {
      holes.add(day(i));
    }
    Map<LocalDate, Long> tail = new TreeMap<>(counts);
    tail.keySet().removeIf(d -> d.isAfter(day(14)));
    assertEquals(true, MissingDayRule.isZero(tail, day(15), day(0), day(40), holes));
  }

  @Test
  void aDayWithoutAnyNeighbourIsUnknown() {
    Set<LocalDate> holes = Set.of(day(0), day(2));
    assertEquals(false, MissingDayRule.isZero(Map.of(), day(1), day(0), day(2), holes));
  }
}
