package dev.pypiwatch.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PublishedDaysTest {
  private static final int DAY = (int) LocalDate.of(2025, 1, 1).toEpochDay();

  @Test
  void aDraftGrowsBothWaysAndBuildsTrimmedDays() {
    PublishedDays.Draft d = new PublishedDays.Draft(null);
    d.put(DAY + 100, 5);
    d.put(DAY, 1); // a revision of an old day: grows backwards
    d.put(DAY + 300, 9);

    PublishedDays days = d.build(Integer.MIN_VALUE);

    assertEquals(DAY, days.firstDay());
    assertEquals(DAY + 300, days.lastDay());
    assertEquals(5, days.get(DAY + 100));
    assertEquals(PublishedDays.NONE, days.get(DAY + 101));
    assertEquals(PublishedDays.NONE, days.get(DAY - 1));
    assertEquals(16 + 4 * 301, days.bytes());
    assertEquals(Map.of(LocalDate.ofEpochDay(DAY), 1L, LocalDate.ofEpochDay(DAY + 100), 5L,
        LocalDate.ofEpochDay(DAY + 300), 9L), days.toMap());
  }

  @Test
  void aDraftOfDaysStartsFromThemAndLeavesThemUnchanged() {
    PublishedDays.Draft first = new PublishedDays.Draft(null);
    first.put(DAY, 1);
    first.put(DAY + 1, 2);
    PublishedDays before = first.build(Integer.MIN_VALUE);

    PublishedDays.Draft next = new PublishedDays.Draft(before);
    next.put(DAY + 1, 3);
    next.put(DAY + 2, 4);

    assertEquals(Map.of(LocalDate.ofEpochDay(DAY), 1L, LocalDate.ofEpochDay(DAY + 1), 2L),
        before.toMap());
    assertEquals(3 + 4, next.build(DAY + 1).sum(DAY, DAY + 10), "day 0 cut off");
    assertEquals(DAY + 1, next.build(DAY + 1).firstDay());
  }

  @Test
  void equalDaysAreEqualWhateverTheirHistory() {
    PublishedDays.Draft a = new PublishedDays.Draft(null);
    a.put(DAY + 5, 3_000_000_000L);
    a.put(DAY + 5, 7); // back in the int range: stored as ints
    a.put(DAY + 6, 8);
    PublishedDays.Draft b = new PublishedDays.Draft(null);
    b.put(DAY + 6, 8);
    b.put(DAY + 5, 7);

    assertEquals(b.build(Integer.MIN_VALUE), a.build(Integer.MIN_VALUE));
    assertEquals(b.build(Integer.MIN_VALUE).hashCode(), a.build(Integer.MIN_VALUE).hashCode());
    assertEquals(16 + 4 * 2, a.build(Integer.MIN_VALUE).bytes());
  }

  @Test
  void cuttingEverythingLeavesNothing() {
    PublishedDays.Draft d = new PublishedDays.Draft(null);
    d.put(DAY, 1);

    assertNull(d.build(DAY + 1));
    assertNull(d.build(Integer.MIN_VALUE).from(DAY + 1));
    assertEquals(d.build(Integer.MIN_VALUE), d.build(Integer.MIN_VALUE).from(DAY));
  }

  @Test
  void sumsAddExactlyAndRejectNegativeCounts() {
    PublishedDays.Draft d = new PublishedDays.Draft(null);
    d.put(DAY, Long.MAX_VALUE);
    d.put(DAY + 1, 1);

    assertEquals(Long.MAX_VALUE, d.build(Integer.MIN_VALUE).sum(DAY, DAY));
    assertThrows(ArithmeticException.class, () -> d.build(Integer.MIN_VALUE).sum(DAY, DAY + 1));
    assertThrows(IllegalArgumentException.class, () -> d.put(DAY, -1));
  }
}
