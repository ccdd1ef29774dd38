package dev.pypiwatch.api;

import dev.pypiwatch.events.IsoTimes;
import java.time.LocalDate;

/**
 * The {@code yyyy-MM-dd} dates of one body, each built once: a body repeats about 181 dates on
 * thousands of rows, so a row's date is its digits looked up here, and only a date not seen yet
 * goes through {@link IsoTimes#date} (which decides what a valid date is). Not thread-safe: one
 * per body.
 */
final class DateCache {
  private static final int SLOTS = 1024;

  private final int[] keys = new int[SLOTS];
  private final LocalDate[] dates = new LocalDate[SLOTS];
  private int kept;

  /** The date spelled by the 10 bytes at {@code s[offset]}; null if they are not a valid date. */
  LocalDate date(byte[] s, int offset) {
    int key = key(s[offset], s[offset + 1], s[offset + 2], s[offset + 3], s[offset + 4],
        s[offset + 5], s[offset + 6], s[offset + 7], s[offset + 8], s[offset + 9]);
    if (key < 0) {
      return null;
    }
    int slot = slot(key);
    return slot >= 0 ? dates[slot] : keep(slot, key, IsoTimes.date(s, offset));
  }

  /** The date spelled by the 10 chars at {@code s[offset]}; null if they are not a valid date. */
  LocalDate date(char[] s, int offset) {
    int key = key(s[offset], s[offset + 1], s[offset + 2], s[offset + 3], s[offset + 4],
        s[offset + 5], s[offset + 6], s[offset + 7], s[offset + 8], s[offset + 9]);
    if (key < 0) {
      return null;
    }
    int slot = slot(key);
    return slot >= 0 ? dates[slot] : keep(slot, key, IsoTimes.date(new String(s, offset, 10)));
  }

  /** {@code yyyymmdd} from digits laid out as {@code yyyy-mm-dd}; -1 if that is not the layout. */
  private static int key(int y0, int y1, int y2, int y3, int dash1, int m0, int m1, int dash2,
      int d0, int d1) {
    if (dash1 != '-' || dash2 != '-') {
      return -1;
    }
    int year = digit(y0) * 1000 + digit(y1) * 100 + digit(y2) * 10 + digit(y3);
    int month = digit(m0) * 10 + digit(m1);
    int day = digit(d0) * 10 + digit(d1);
    // A non-digit is -100,000: more negative than the other digits can make up for.
    return year < 0 || month < 0 || day < 0 ? -1 : (year * 100 + month) * 100 + day;
  }

  private static int digit(int c) {
    return c >= '0' && c <= '9' ? c - '0' : -100_000;
  }

  /** The slot holding {@code key}, or {@code -1 - slot} of the free slot where it would go. */
  private int slot(int key) {
    int slot = (key * 0x9E3779B1 >>> 22) & (SLOTS - 1);
    while (dates[slot] != null) {
      if (keys[slot] == key) {
        return slot;
      }
      slot = (slot + 1) & (SLOTS - 1);
    }
    return -1 - slot;
  }

  private LocalDate keep(int free, int key, LocalDate date) {
    if (date != null && kept < SLOTS / 2) { // beyond that, build each one: probing would get long
      keys[-1 - free] = key;
      dates[-1 - free] = date;
      kept++;
    }
    return date;
  }
}
