package dev.pypiwatch.rules;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The sorted baseline, kept from one day to the next, is always the day's baseline sorted. */
class SharesTest {
  private static final LocalDate START = LocalDate.of(2025, 3, 1);
  private static final List<String> OS = List.of("darwin", "linux", "other", "unknown", "windows");

  private static void put(PackageHistory h, String category, int day, long n) {
    h.put(new DownloadRecord("p", Endpoint.SYSTEM, category, START.plusDays(day), n));
  }

  private static void assertSortedBaselineIsTheBaselineSorted(PackageHistory h, int day, int recent, int baseline) {
    Shares s = new Shares(h, Endpoint.SYSTEM, START.plusDays(day), recent, baseline);
    for (String c : List.of("darwin", "linux", "other", "unknown", "windows", "beos")) {
      double[] expected = s.baseline(c);
      Arrays.sort(expected);
      assertArrayEquals(expected, s.sortedBaseline(c), c + " on day " + day);
      assertEquals(s.baselineDays(), expected.length);
    }
  }

  @Test
  void slidingDayByDayWithHolesZeroDaysAndNewCategories() {
    SplittableRandom r = new SplittableRandom(3);
    PackageHistory h = new PackageHistory();
    for (int day = 0; day < 200; day++) {
      if (r.nextInt(10) == 0) {
        continue; // an unknown day
      }
      for (String c : OS) {
        boolean born = !c.equals("other") || day > 90; // a category new mid-way
        if (born && r.nextInt(6) > 0) {
          put(h, c, day, r.nextInt(8) == 0 ? 0 : r.nextInt(1_000));
        }
      }
    }
    for (int day = 0; day < 210; day++) {
      assertSortedBaselineIsTheBaselineSorted(h, day, 7, 28);
    }
  }

  @Test
  void revisionsAndNewDaysBetweenEvaluationsAreSeen() {
    SplittableRandom r = new SplittableRandom(5);
    PackageHistory h = new PackageHistory();
    for (int day = 0; day < 60; day++) {
      for (String c : List.of("linux", "windows")) {
        put(h, c, day, r.nextInt(500));
      }
    }
    for (int day = 40; day < 120; day++) {
      assertSortedBaselineIsTheBaselineSorted(h, day, 7, 28);
      put(h, "linux", day + 1, r.nextInt(500)); // the next day arrives
      if (r.nextInt(4) == 0) {
        put(h, r.nextBoolean() ? "linux" : "windows", day - r.nextInt(30), r.nextInt(500)); // a revision
      }
      if (day == 70) {
        put(h, "darwin", day - 20, 7); // a new category inside the window
      }
      if (r.nextInt(10) == 0) {
        assertSortedBaselineIsTheBaselineSorted(h, day + r.nextInt(5) - 2, 7, 28); // out of order
        assertSortedBaselineIsTheBaselineSorted(h, day, 5, 20); // other windows
      }
    }
  }
}
