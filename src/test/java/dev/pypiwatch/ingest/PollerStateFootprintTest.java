package dev.pypiwatch.ingest;

import static dev.pypiwatch.ingest.PollTesting.BUSY_PACKAGE_180_DAYS;
import static dev.pypiwatch.ingest.PollTesting.day;
import static dev.pypiwatch.ingest.PollTesting.firstPoll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.events.Endpoint;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The poller's state of one package stays small: the poller holds one for each package it owns,
 * and 10,000 packages did not fit in 2 GB of heap when the days were a {@code TreeMap<LocalDate,
 * Long>} a series (~180 KB a package, issue 15, docs/benchmarks.md section 12). Measured from the
 * arrays' lengths ({@link PollerState#footprintBytes}), so the check is exact and needs no GC.
 */
class PollerStateFootprintTest {
  /** The 25 series of a package (as in {@code RuleStateMemory}). */
  private static final List<SeriesKey> SERIES = series();
  /** 25 series x 181 days, an int a day: 25 x (16 + 724) = 18.1 KB. */
  private static final long PACKAGE_BOUND = 19 * 1024;
  /** 25 series x 201 days (the newest and the {@link PollerState#RETAINED_DAYS} before): 20.0 KB. */
  private static final long RETAINED_BOUND = 21 * 1024;

  @Test
  void aPackageOf181DaysAnd25SeriesKeepsItsArraysUnderItsBound() {
    PollerState.Builder b = PollerState.EMPTY.toBuilder();
    for (int i = 0; i <= 180; i++) {
      putDay(b, i, 35_000);
    }
    PollerState s = b.build();

    System.out.printf("poller state footprint: 181 days x 25 series %d bytes%n", s.footprintBytes());
    assertEquals(25, s.counts().size());
    assertTrue(s.footprintBytes() <= PACKAGE_BOUND, s.footprintBytes() + " bytes");
  }

  @Test
  void aPackagePolledDailyForAYearKeepsNoMoreThanTheRetainedDays() {
    PollerState s = PollerState.EMPTY;
    for (int i = 0; i < 400; i++) {
      PollerState.Builder b = s.toBuilder();
      putDay(b, i, 35_000);
      s = b.build();
    }

    System.out.printf("poller state footprint: 400 daily polls x 25 series %d bytes%n", s.footprintBytes());
    assertEquals(day(399 - PollerState.RETAINED_DAYS), s.series(SERIES.get(0)).firstKey());
    assertTrue(s.footprintBytes() <= RETAINED_BOUND, s.footprintBytes() + " bytes");
  }

  @Test
  void countsBeyondTheIntRangeTakeLongsOnlyInTheirSeries() {
    PollerState.Builder b = PollerState.EMPTY.toBuilder();
    for (int i = 0; i <= 180; i++) {
      putDay(b, i, 35_000);
    }
    b.put(new SeriesDay(SERIES.get(0), day(90)), 3_000_000_000L); // an __all__-like total
    PollerState s = b.build();

    assertEquals(24 * (16 + 4 * 181) + (16 + 8 * 181), s.footprintBytes());
    assertEquals(3_000_000_000L, s.published(new SeriesDay(SERIES.get(0), day(90))).orElseThrow());
  }

  @Test
  void aPlannedBusyPackageTakesAnIntADay() {
    PollerState s = firstPoll(BUSY_PACKAGE_180_DAYS).state();
    long days = s.counts().values().stream()
        .mapToLong(m -> m.lastKey().toEpochDay() - m.firstKey().toEpochDay() + 1).sum();

    assertEquals(16L * s.counts().size() + 4 * days, s.footprintBytes());
  }

  private static void putDay(PollerState.Builder b, int i, long level) {
    for (int s = 0; s < SERIES.size(); s++) {
      b.put(new SeriesDay(SERIES.get(s), day(i)), level + 97L * (i % 7) + s);
    }
  }

  private static List<SeriesKey> series() {
    List<SeriesKey> keys = new ArrayList<>();
    List.of("with_mirrors", "without_mirrors").forEach(c -> keys.add(new SeriesKey(Endpoint.OVERALL, c)));
    List.of("2", "3", "unknown").forEach(c -> keys.add(new SeriesKey(Endpoint.PYTHON_MAJOR, c)));
    List.of("2.6", "2.7", "unknown").forEach(c -> keys.add(new SeriesKey(Endpoint.PYTHON_MINOR, c)));
    for (int minor = 3; minor <= 14; minor++) {
      keys.add(new SeriesKey(Endpoint.PYTHON_MINOR, "3." + minor));
    }
    List.of("windows", "linux", "darwin", "other", "unknown").forEach(c -> keys.add(new SeriesKey(Endpoint.SYSTEM, c)));
    return List.copyOf(keys);
  }
}
