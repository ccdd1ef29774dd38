package dev.pypiwatch.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Days are ints until a value needs a long; a bounded array keeps its newest days. */
class DayArrayTest {
  private static final int D = 20_000;

  @Test
  void aValueBeyondTheIntRangeWidensTheArrayAndKeepsTheOthers() {
    DayArray a = new DayArray(-1);
    for (int i = 0; i < 100; i++) {
      a.set(D + i, 1_000L * i);
    }
    long ints = a.bytes();
    assertEquals(-1, a.set(D + 100, 3_000_000_000L));
    assertTrue(a.bytes() > ints, "widened");
    assertEquals(3_000_000_000L, a.get(D + 100));
    assertEquals(99_000L, a.get(D + 99));
    assertEquals(-1, a.get(D - 1));
    a.set(D - 50, Integer.MIN_VALUE - 1L); // a revision far back grows it on that side, as longs
    assertEquals(Integer.MIN_VALUE - 1L, a.get(D - 50));
    assertEquals(3_000_000_000L, a.get(D + 100));
    assertEquals(-1, a.get(D - 49));
  }

  @Test
  void growsByAMonthNotByDoubling() {
    DayArray a = new DayArray(0);
    for (int i = 0; i < 180; i++) {
      a.set(D + i, i + 1);
    }
    assertTrue(a.bytes() <= 16 + 4 * (180 + 32), a.bytes() + " bytes for 180 days");
    for (int i = 0; i < 180; i++) {
      assertEquals(i + 1, a.get(D + i));
    }
  }

  @Test
  void aBoundedArrayDropsItsOldestDaysAndIgnoresOlderOnes() {
    DayArray a = new DayArray(-1, 64);
    for (int i = 0; i < 200; i++) {
      a.set(D + i, i);
    }
    assertEquals(16 + 4 * 64, a.bytes());
    assertEquals(199, a.get(D + 199));
    assertEquals(136, a.get(D + 136));
    assertEquals(-1, a.get(D + 135));
    assertEquals(-1, a.set(D + 100, 7)); // older than the 64 kept: not kept
    assertEquals(-1, a.get(D + 100));
    a.set(D + 1_000, 5); // far ahead: only that day is left
    assertEquals(5, a.get(D + 1_000));
    assertEquals(-1, a.get(D + 199));
    a.clear(D + 1_000, D + 1_000);
    assertEquals(-1, a.get(D + 1_000));
  }

  @Test
  void droppedDaysReadAsTheFillAndFreeTheirRoom() {
    DayArray a = new DayArray(-1);
    for (int i = 0; i < 300; i++) {
      a.set(D + i, i);
      a.dropBefore(D + i - 143); // as the engine does after each evaluated day: 144 days kept
    }
    assertTrue(a.bytes() <= 16 + 4 * (144 + 3 * 32), a.bytes() + " bytes for 144 days kept");
    assertEquals(-1, a.get(D + 155));
    assertEquals(156, a.get(D + 156));
    assertEquals(299, a.get(D + 299));
    a.dropBefore(D + 1_000); // past every day: empty, and still usable
    assertEquals(-1, a.get(D + 299));
    a.set(D + 1_000, 4_000_000_000L);
    assertEquals(4_000_000_000L, a.get(D + 1_000));
    a.dropBefore(D + 2_000);
    assertEquals(-1, a.get(D + 1_000));
  }
}
