package dev.pypiwatch.ingest;

import static dev.pypiwatch.ingest.PollTesting.BUSY_PACKAGE_180_DAYS;
import static dev.pypiwatch.ingest.PollTesting.NEXT_FETCH;
import static dev.pypiwatch.ingest.PollTesting.PLANNER;
import static dev.pypiwatch.ingest.PollTesting.TINY_PACKAGE_WITH_ZERO_DAYS;
import static dev.pypiwatch.ingest.PollTesting.day;
import static dev.pypiwatch.ingest.PollTesting.firstPoll;
import static dev.pypiwatch.ingest.PollTesting.key;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.events.Endpoint;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PollerStateTest {
  /** 30 series of 181 days at ~35k a day: a large, busy package's state. */
  private static PollerState thirtyBusySeries() {
    PollerState.Builder b = PollerState.EMPTY.toBuilder();
    for (int s = 0; s < 30; s++) {
      for (int i = 0; i <= 180; i++) {
        b.put(SeriesDay.of(Endpoint.PYTHON_MINOR, "3." + s, day(i)), 35_000 + 97L * i + s);
      }
    }
    return b.transientEmpty(Endpoint.SYSTEM)
        .lastSuccessfulPoll(Instant.parse("2025-07-01T02:03:04.123456789Z"))
        .lastRecent(new PublishedRecent(day(180), 35_000, 245_000, 1_050_000))
        .build();
  }

  @Test
  void roundTripsThroughBytes() {
    for (PollerState s : new PollerState[] {PollerState.EMPTY, thirtyBusySeries(),
        firstPoll(BUSY_PACKAGE_180_DAYS).state(), firstPoll(TINY_PACKAGE_WITH_ZERO_DAYS).state()}) {
      assertEquals(s, PollerState.fromBytes(s.toBytes()));
    }
  }

  @Test
  void keepsGapsAndExtremeCountsExactly() {
    PollerState s = PollerState.EMPTY.toBuilder()
        .put(SeriesDay.of(Endpoint.SYSTEM, "linux", day(0)), Long.MAX_VALUE)
        .put(SeriesDay.of(Endpoint.SYSTEM, "linux", day(5)), 0)
        .put(SeriesDay.of(Endpoint.SYSTEM, "Ünïcode", LocalDate.of(1969, 12, 31)), 7)
        .build();

    PollerState back = PollerState.fromBytes(s.toBytes());

    assertEquals(s, back);
    assertEquals(2, back.series(key(Endpoint.SYSTEM, "linux")).size(), "the gap stays a gap");
  }

  /**
   * Version 1 bytes written by the {@code TreeMap}-based state before issue 15 (states in Kafka
   * are restored from them): read to the same state, written back byte for byte.
   */
  private static final String VERSION_1 = "5057530102076f766572616c6c0f776974686f75745f6d6972726f72"
      + "73f2b90204b99102010081bcc1960b0673797374656d056c696e7578eeb9020108010c707974686f6e5f6d696e"
      + "6f720201b0a1cff70c80cab5ee0101f8b90280bcc1960bb8cdc3960bb8cdc3960b";

  @Test
  void readsAndWritesTheVersion1BytesOfTheMapBasedState() {
    LocalDate jan1 = LocalDate.of(2025, 1, 1);
    PollerState expected = PollerState.EMPTY.toBuilder()
        .put(SeriesDay.of(Endpoint.OVERALL, "without_mirrors", jan1), 35_000)
        .put(SeriesDay.of(Endpoint.OVERALL, "without_mirrors", jan1.plusDays(1)), 0)
        .put(SeriesDay.of(Endpoint.OVERALL, "without_mirrors", jan1.plusDays(3)), 3_000_000_000L)
        .put(SeriesDay.of(Endpoint.SYSTEM, "linux", jan1.minusDays(2)), 7)
        .transientEmpty(Endpoint.PYTHON_MINOR).transientEmpty(Endpoint.PYTHON_MINOR)
        .lastSuccessfulPoll(Instant.parse("2025-01-05T02:03:04.5Z"))
        .lastRecent(new PublishedRecent(jan1.plusDays(3), 3_000_000_000L, 3_000_035_000L, 3_000_035_000L))
        .build();
    byte[] old = HexFormat.of().parseHex(VERSION_1);

    PollerState read = PollerState.fromBytes(old);

    assertEquals(expected, read);
    assertEquals(Map.of(jan1, 35_000L, jan1.plusDays(1), 0L, jan1.plusDays(3), 3_000_000_000L),
        read.series(key(Endpoint.OVERALL, "without_mirrors")), "day 3 a hole, day 4 past the int range");
    assertEquals(2, read.transientEmpties(Endpoint.PYTHON_MINOR));
    assertArrayEquals(old, read.toBytes());
    assertArrayEquals(old, expected.toBytes());
  }

  @Test
  void aSeriesOfUnpublishedDaysOnlyIsDropped() {
    // "PWS" 1, one series overall/with_mirrors from epoch day 0, 2 days, both 0 (nothing); no
    // empties, no poll, no recent.
    byte[] bytes = HexFormat.of().parseHex("50575301" + "01" + "07" + "6f766572616c6c"
        + "0c" + "776974685f6d6972726f7273" + "00" + "02" + "0000" + "00" + "00" + "00");

    assertEquals(PollerState.EMPTY, PollerState.fromBytes(bytes));
  }

  @Test
  void aRealisticStateIsSmall() {
    int busy = firstPoll(BUSY_PACKAGE_180_DAYS).state().toBytes().length;
    int thirty = thirtyBusySeries().toBytes().length;
    System.out.printf("state size: busy fixture %d bytes, 30 busy series %d bytes%n", busy, thirty);

    assertTrue(busy < 10_000, "busy fixture (16 series): " + busy);
    // 30 x 181 days x 3 bytes + names: far below Kafka's 1 MB message limit.
    assertTrue(thirty < 20_000, "30 busy series: " + thirty);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "PWX\u0001", "PWS\u0002", "PWS"})
  void rejectsForeignOrUnknownVersions(String raw) {
    assertThrows(IllegalArgumentException.class, () -> PollerState.fromBytes(raw.getBytes()));
  }

  @Test
  void rejectsTruncatedAndTrailingBytes() {
    byte[] bytes = thirtyBusySeries().toBytes();
    assertThrows(IllegalArgumentException.class,
        () -> PollerState.fromBytes(Arrays.copyOf(bytes, bytes.length - 3)));
    assertThrows(IllegalArgumentException.class,
        () -> PollerState.fromBytes(Arrays.copyOf(bytes, bytes.length + 1)));
  }

  @Test
  void formatVersionIsTheFourthByte() {
    assertArrayEquals(new byte[] {'P', 'W', 'S', 1}, Arrays.copyOf(PollerState.EMPTY.toBytes(), 4));
  }

  @Test
  void pruneDropsDaysOlderThanTheNewestMinus200() {
    PollerState s = PollerState.EMPTY.toBuilder()
        .put(SeriesDay.of(Endpoint.OVERALL, "with_mirrors", day(0)), 1)
        .put(SeriesDay.of(Endpoint.OVERALL, "with_mirrors", day(49)), 2)
        .put(SeriesDay.of(Endpoint.OVERALL, "with_mirrors", day(50)), 3)
        .put(SeriesDay.of(Endpoint.SYSTEM, "other", day(10)), 4)
        .put(SeriesDay.of(Endpoint.OVERALL, "without_mirrors", day(250)), 5)
        .build();

    assertEquals(Set.of(day(50)), s.series(key(Endpoint.OVERALL, "with_mirrors")).keySet());
    assertEquals(Set.of(key(Endpoint.OVERALL, "with_mirrors"), key(Endpoint.OVERALL,
        "without_mirrors")), s.counts().keySet(), "an emptied series disappears");
  }

  @Test
  void daysThatLeftTheWindowAreKeptUntilPruned() {
    PollerState s = firstPoll(BUSY_PACKAGE_180_DAYS).state();
    for (int shift : new int[] {20, 21}) {
      s = PLANNER.plan("busy-pkg", BUSY_PACKAGE_180_DAYS.days(shift, 180 + shift).snapshot(NEXT_FETCH),
          s, Set.of(), day(180 + shift)).state();
    }
    assertEquals(day(1), s.series(key(Endpoint.SYSTEM, "linux")).firstKey(),
        "newest is day 201: day 0 pruned, days 1-20 kept although out of the window");
    assertEquals(Optional.of(day(201)), s.newestDate());
  }
}
