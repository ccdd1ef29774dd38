package dev.pypiwatch.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The compact day window of one series: revisions, holes, the window moving, big counts. */
class DailyCountsTest {
  private static final LocalDate D = LocalDate.of(2026, 3, 1);

  private static List<String> all(DailyCounts c, LocalDate from, LocalDate to) {
    List<String> out = new ArrayList<>();
    c.forEach(from, to, (d, n) -> out.add(d + "=" + n));
    return out;
  }

  @Test
  void emptyHasNothing() {
    DailyCounts c = new DailyCounts(5);
    assertNull(c.newestDay());
    assertEquals(-1, c.get(D));
    assertEquals(List.of(), all(c, null, null));
  }

  @Test
  void aRevisionReplacesTheDayAndHolesStayUnknown() {
    DailyCounts c = new DailyCounts(5);
    c.put(D, 10);
    c.put(D.plusDays(2), 30);
    c.put(D, 11);
    assertEquals(11, c.get(D));
    assertEquals(-1, c.get(D.plusDays(1)), "the hole");
    DailyCounts zero = new DailyCounts(3);
    zero.put(D, 0);
    assertEquals(0, zero.get(D), "zero is a count, not a hole");
    assertEquals(2, c.size());
    assertEquals(D.plusDays(2), c.newestDay());
    assertEquals(List.of(D + "=11", D.plusDays(2) + "=30"), all(c, null, null));
  }

  @Test
  void theWindowEndsAtTheNewestDayAndForgetsOlderOnes() {
    DailyCounts c = new DailyCounts(3);
    for (int i = 0; i < 5; i++) {
      c.put(D.plusDays(i), 100 + i);
    }
    assertEquals(3, c.size());
    assertEquals(List.of(D.plusDays(2) + "=102", D.plusDays(3) + "=103", D.plusDays(4) + "=104"), all(c, null, null));
    assertEquals(-1, c.get(D.plusDays(1)), "left the window");
    c.put(D, 1); // older than the window: ignored, not wrapped onto a newer day
    assertEquals(List.of(D.plusDays(2) + "=102", D.plusDays(3) + "=103", D.plusDays(4) + "=104"), all(c, null, null));
    c.put(D.plusDays(3), 7); // a late revision inside the window still lands
    assertEquals(7, c.get(D.plusDays(3)));
  }

  @Test
  void aJumpFartherThanTheWindowClearsEverything() {
    DailyCounts c = new DailyCounts(3);
    c.put(D, 1);
    c.put(D.plusDays(1), 2);
    c.put(D.plusDays(100), 3);
    assertEquals(1, c.size());
    assertEquals(List.of(D.plusDays(100) + "=3"), all(c, null, null));
    assertEquals(-1, c.get(D.plusDays(99)), "slot reused, old value gone");
  }

  @Test
  void fromAndToLimitInclusively() {
    DailyCounts c = new DailyCounts(10);
    for (int i = 0; i < 6; i++) {
      c.put(D.plusDays(i), i);
    }
    assertEquals(List.of(D.plusDays(2) + "=2", D.plusDays(3) + "=3"), all(c, D.plusDays(2), D.plusDays(3)));
    assertEquals(List.of(D.plusDays(5) + "=5"), all(c, D.plusDays(5), D.plusDays(50)));
    assertEquals(List.of(), all(c, D.plusDays(4), D.plusDays(3)));
  }

  @Test
  void countsBeyondAnIntAreKept() {
    DailyCounts c = new DailyCounts(4);
    c.put(D, 5);
    c.put(D.plusDays(1), 3_000_000_000L);
    assertEquals(5, c.get(D));
    assertEquals(3_000_000_000L, c.get(D.plusDays(1)));
    assertEquals(-1, c.get(D.plusDays(2)));
    assertThrows(IllegalArgumentException.class, () -> c.put(D, -1));
  }
}
