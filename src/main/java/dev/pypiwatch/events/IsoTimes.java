package dev.pypiwatch.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Year;

/**
 * The quick parse of the one shape pypiwatch writes its dates ({@code 2026-04-01}) and timestamps
 * ({@code 2026-04-02T02:00:03.120Z}) in; null for any other text, which the caller then parses with
 * {@code java.time} (accepting, or rejecting with its message, exactly what it did before). Public
 * for the stats API's dates, which are of the same shape ({@code api.DateCache}).
 *
 * <p>Read from the bytes of ASCII text (the one-pass readers build no string for a date or a
 * timestamp); a string is read as its ISO-8859-1 bytes, where a character beyond is a {@code ?},
 * which no position of either shape accepts.
 *
 * <p>Why: {@code java.time}'s formatters were a third of the cost of decoding a download event, and
 * every stage decodes every event of the downloads topic.
 */
public final class IsoTimes {
  private static final int[] POWERS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
      1_000_000_000};

  private IsoTimes() {}

  /** {@code yyyy-MM-dd} as a date, or null when {@code s} is not exactly that shape of a valid date. */
  public static LocalDate date(String s) {
    if (s.length() != 10) {
      return null;
    }
    return date(bytes(s), 0);
  }

  /** The date spelled by the 10 bytes at {@code s[from]}, or null when they are not a valid {@code yyyy-MM-dd}. */
  public static LocalDate date(byte[] s, int from) {
    int ymd = yearMonthDay(s, from);
    return ymd < 0 ? null : LocalDate.of(ymd / 10_000, ymd / 100 % 100, ymd % 100);
  }

  /**
   * {@code yyyy-MM-ddTHH:mm:ss[.f…]Z} (1 to 9 fraction digits, upper-case {@code T} and {@code Z})
   * as an instant, or null when {@code s} is not exactly that shape of a valid time.
   */
  static Instant instant(String s) {
    byte[] b = bytes(s);
    return instant(b, 0, b.length);
  }

  /** Like {@link #instant(String)}, the text {@code s[from, to)}. */
  static Instant instant(byte[] s, int from, int to) {
    int nanos = nanos(s, from, to);
    int ymd = nanos < 0 ? -1 : yearMonthDay(s, from);
    int second = ymd < 0 ? -1 : secondOfDay(s, from);
    if (second < 0) {
      return null;
    }
    long day = LocalDate.of(ymd / 10_000, ymd / 100 % 100, ymd % 100).toEpochDay();
    return Instant.ofEpochSecond(day * 86_400 + second, nanos);
  }

  /** True when {@link #instant(byte[], int, int)} would answer an instant: the check without building it. */
  static boolean isInstant(byte[] s, int from, int to) {
    return nanos(s, from, to) >= 0 && yearMonthDay(s, from) >= 0 && secondOfDay(s, from) >= 0;
  }

  /**
   * The nanoseconds of the timestamp {@code s[from, to)}, having checked its shape but for the
   * digits of its date and time; -1 if it is not of the shape.
   */
  private static int nanos(byte[] s, int from, int to) {
    int n = to - from;
    if (n < 20 || s[to - 1] != 'Z' || s[from + 10] != 'T' || s[from + 13] != ':' || s[from + 16] != ':') {
      return -1;
    }
    if (n == 20) {
      return 0;
    }
    int digits = n - 21; // between the '.' at 19 and the 'Z'
    if (s[from + 19] != '.' || digits < 1 || digits > 9) {
      return -1;
    }
    int fraction = number(s, from + 20, to - 1);
    return fraction < 0 ? -1 : fraction * POWERS[9 - digits];
  }

  /** The {@code HH:mm:ss} at {@code s[from + 11]} as seconds of the day; -1 if not a valid time. */
  private static int secondOfDay(byte[] s, int from) {
    int hour = number(s, from + 11, from + 13);
    int minute = number(s, from + 14, from + 16);
    int second = number(s, from + 17, from + 19);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return -1;
    }
    return hour * 3_600 + minute * 60 + second;
  }

  /** The valid date in {@code s[from, from + 10)} as {@code yyyymmdd}, or -1. */
  private static int yearMonthDay(byte[] s, int from) {
    if (s[from + 4] != '-' || s[from + 7] != '-') {
      return -1;
    }
    int year = number(s, from, from + 4);
    int month = number(s, from + 5, from + 7);
    int day = number(s, from + 8, from + 10);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 && day > lengthOfMonth(year, month)) {
      return -1; // 31 April, 29 February of a common year
    }
    return (year * 100 + month) * 100 + day;
  }

  private static int lengthOfMonth(int year, int month) {
    return switch (month) {
      case 2 -> Year.isLeap(year) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  /** The ASCII digits {@code s[from, to)} as a number, or -1 if one is not a digit. */
  private static int number(byte[] s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      int d = s[i] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
