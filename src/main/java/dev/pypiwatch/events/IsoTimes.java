package dev.pypiwatch.events;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * The quick parse of the one shape pypiwatch writes its dates ({@code 2026-04-01}) and timestamps
 * ({@code 2026-04-02T02:00:03.120Z}) in; null for any other text, which the caller then parses with
 * {@code java.time} (accepting, or rejecting with its message, exactly what it did before). Public
 * for the stats API's dates, which are of the same shape ({@code api.DateCache}).
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
    return dateAt(s);
  }

  /**
   * {@code yyyy-MM-ddTHH:mm:ss[.f…]Z} (1 to 9 fraction digits, upper-case {@code T} and {@code Z})
   * as an instant, or null when {@code s} is not exactly that shape of a valid time.
   */
  static Instant instant(String s) {
    int n = s.length();
    if (n < 20 || s.charAt(n - 1) != 'Z' || s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':') {
      return null;
    }
    int nanos = 0;
    if (n > 20) {
      int digits = n - 21; // between the '.' at 19 and the 'Z'
      if (s.charAt(19) != '.' || digits < 1 || digits > 9) {
        return null;
      }
      int fraction = number(s, 20, n - 1);
      if (fraction < 0) {
        return null;
      }
      nanos = fraction * POWERS[9 - digits];
    }
    LocalDate day = dateAt(s);
    int hour = number(s, 11, 13);
    int minute = number(s, 14, 16);
    int second = number(s, 17, 19);
    if (day == null || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return null;
    }
    return Instant.ofEpochSecond(day.toEpochDay() * 86_400 + hour * 3_600 + minute * 60 + second, nanos);
  }

  /** The date in {@code s[0, 10)}, or null. */
  private static LocalDate dateAt(String s) {
    if (s.charAt(4) != '-' || s.charAt(7) != '-') {
      return null;
    }
    int year = number(s, 0, 4);
    int month = number(s, 5, 7);
    int day = number(s, 8, 10);
    if (year < 0 || month < 1 || month > 12 || day < 1) {
      return null;
    }
    if (day <= 28) {
      return LocalDate.of(year, month, day);
    }
    try {
      return LocalDate.of(year, month, day);
    } catch (DateTimeException e) {
      return null; // 31 April, 29 February of a common year: java.time says so in its words
    }
  }

  /** The ASCII digits {@code s[from, to)} as a number, or -1 if one is not a digit. */
  private static int number(String s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      int d = s.charAt(i) - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }
}
