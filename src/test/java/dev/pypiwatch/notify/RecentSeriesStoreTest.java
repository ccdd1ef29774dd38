package dev.pypiwatch.notify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.Severity;
import java.time.LocalDate;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecentSeriesStoreTest {
  private static final LocalDate D = LocalDate.of(2026, 4, 1);

  private static DownloadRecord overall(String pkg, LocalDate date, long n) {
    return new DownloadRecord(pkg, Endpoint.OVERALL, Categories.WITHOUT_MIRRORS, date, n);
  }

  @Test
  void keepsOnlyOverallWithoutMirrors() {
    RecentSeriesStore s = new RecentSeriesStore();
    s.record(overall("pip", D, 10));
    s.record(new DownloadRecord("pip", Endpoint.OVERALL, Categories.WITH_MIRRORS, D, 99));
    s.record(new DownloadRecord("pip", Endpoint.SYSTEM, "linux", D, 98));
    s.record(new DownloadRecord("numpy", Endpoint.PYTHON_MINOR, "3.13", D, 97));
    assertArrayEquals(new long[] {10}, s.series("pip").orElseThrow().daily());
    assertEquals(Optional.empty(), s.series("numpy"));
  }

  @Test
  void aSeriesRunsFromTheOldestKeptDayToTheNewestWithGapsUnknown() {
    RecentSeriesStore s = new RecentSeriesStore();
    s.record(overall("pip", D.plusDays(3), 40));
    s.record(overall("pip", D, 10));
    s.record(overall("pip", D.plusDays(1), 20));
    s.record(overall("pip", D.plusDays(1), 25)); // a revision replaces
    RecentSeries r = s.series("pip").orElseThrow();
    assertEquals(D.plusDays(3), r.last());
    assertArrayEquals(new long[] {10, 25, -1, 40}, r.daily());
    assertEquals(Optional.of(D.plusDays(3)), s.newest("pip"));
  }

  @Test
  void keepsTheLastSixtyDays() {
    RecentSeriesStore s = new RecentSeriesStore();
    for (int i = 0; i < 100; i++) {
      s.record(overall("pip", D.plusDays(i), i));
    }
    s.record(overall("pip", D, 1234)); // too old: ignored
    RecentSeries r = s.series("pip").orElseThrow();
    assertEquals(RecentSeriesStore.DAYS, r.daily().length);
    assertEquals(D.plusDays(99), r.last());
    assertEquals(40, r.daily()[0]);
    assertEquals(-1, r.at(D));
  }

  @Test
  void aDigestLineSumsTheKnownDaysOfTwoWeeks() {
    RecentSeriesStore s = new RecentSeriesStore();
    for (int i = 0; i < 14; i++) {
      s.record(overall("pip", D.plusDays(i), i < 7 ? 100 : 110));
    }
    LocalDate last = D.plusDays(13);
    DigestLine line = s.line("pip", last, 2);
    assertEquals(new DigestLine("pip", 110, 770, 770.0 / 700 - 1, 2), line);
    // A day missing from each week: only known days count.
    RecentSeriesStore gaps = new RecentSeriesStore();
    for (int i = 0; i < 14; i++) {
      if (i != 3 && i != 13) {
        gaps.record(overall("pip", D.plusDays(i), 100));
      }
    }
    DigestLine g = gaps.line("pip", last, 0);
    assertEquals(-1, g.lastDay());
    assertEquals(600, g.lastWeek());
    assertEquals(0.0, g.weekChange(), 1e-12);
  }

  @Test
  void weekChangeIsNaNWithoutTheWeekBefore() {
    RecentSeriesStore s = new RecentSeriesStore();
    for (int i = 7; i < 14; i++) {
      s.record(overall("pip", D.plusDays(i), 5));
    }
    assertTrue(Double.isNaN(s.line("pip", D.plusDays(13), 0).weekChange()));
    RecentSeriesStore zero = new RecentSeriesStore();
    for (int i = 0; i < 14; i++) {
      zero.record(overall("pip", D.plusDays(i), i < 7 ? 0 : 5));
    }
    assertTrue(Double.isNaN(zero.line("pip", D.plusDays(13), 0).weekChange()), "zero week before");
    assertEquals(new DigestLine("nobody", -1, 0, Double.NaN, 0), new RecentSeriesStore().line("nobody", D, 0));
  }

  @Test
  void firingAlertsFollowTheLastTransitionOfEachFingerprint() {
    FiringAlerts f = new FiringAlerts();
    f.record(NotifierFixtures.alert("pip", "spike", AlertState.FIRING, Severity.WARNING, D));
    f.record(NotifierFixtures.alert("pip", "drop", AlertState.FIRING, Severity.WARNING, D));
    f.record(NotifierFixtures.alert("numpy", "spike", AlertState.FIRING, Severity.WARNING, D));
    assertEquals(2, f.count("pip"));
    f.record(NotifierFixtures.alert("pip", "spike", AlertState.RESOLVED, Severity.WARNING, D.plusDays(2)));
    f.record(NotifierFixtures.alert("pip", "spike", AlertState.FIRING, Severity.WARNING, D)); // an old one again
    assertEquals(1, f.count("pip"));
    assertEquals(0, f.count("flask"));
    assertEquals(2, f.firing().size());
    assertEquals(3, f.size());
  }
}
