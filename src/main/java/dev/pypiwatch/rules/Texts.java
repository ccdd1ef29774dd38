package dev.pypiwatch.rules;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.format.TextStyle;
import java.util.Arrays;
import java.util.Locale;

/** How numbers and dates appear in summaries: {@code 3,412,000}, {@code 2026-04-03 (Fri)}. */
final class Texts {
  // Weekday names looked up once: summaries are built for every finding of every day, and the
  // lookup through the locale data is costly (to run and for the JIT to compile into each rule).
  private static final String[] SHORT_DAYS = weekdays(TextStyle.SHORT);
  private static final String[] FULL_DAYS = weekdays(TextStyle.FULL);

  private Texts() {}

  private static String[] weekdays(TextStyle style) {
    return Arrays.stream(DayOfWeek.values())
        .map(d -> d.getDisplayName(style, Locale.ENGLISH)).toArray(String[]::new);
  }

  static String count(double n) {
    return String.format(Locale.ROOT, "%,d", Math.round(n));
  }

  static String day(LocalDate d) {
    return d + " (" + SHORT_DAYS[d.getDayOfWeek().ordinal()] + ")";
  }

  static String weekday(LocalDate d) {
    return FULL_DAYS[d.getDayOfWeek().ordinal()];
  }

  static String ratio(double r) {
    return String.format(Locale.ROOT, "%.1fx", r);
  }

  static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * share);
  }

  static String points(double delta) {
    return String.format(Locale.ROOT, "%+.1f pp", 100 * delta);
  }
}
