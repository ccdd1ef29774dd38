package dev.pypiwatch.rules;

import java.time.LocalDate;
import java.time.format.TextStyle;
import java.util.Locale;

/** How numbers and dates appear in summaries: {@code 3,412,000}, {@code 2026-04-03 (Fri)}. */
final class Texts {
  private Texts() {}

  static String count(double n) {
    return String.format(Locale.ROOT, "%,d", Math.round(n));
  }

  static String day(LocalDate d) {
    return d + " (" + d.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH) + ")";
  }

  static String weekday(LocalDate d) {
    return d.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
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
