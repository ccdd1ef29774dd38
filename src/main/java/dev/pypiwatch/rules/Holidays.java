package dev.pypiwatch.rules;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.MonthDay;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Days on which the whole ecosystem downloads less (developers and their CI are off), so that a
 * low day then is not a package's news. Each entry is a named period ({@code christmas} = Dec 24
 * to Jan 2, {@code thanksgiving} = US Thanksgiving Thursday and Friday, {@code easter} = Good
 * Friday to Easter Monday), a yearly day or range ({@code 05-01}, {@code 12-24..12-26}) or a date
 * or range ({@code 2026-05-14}, {@code 2026-05-14..2026-05-15}).
 */
public final class Holidays {
  /** None: every day is an ordinary day. */
  public static final Holidays NONE = new Holidays(List.of());
  /** The defaults: christmas, thanksgiving, easter. */
  public static final Holidays DEFAULTS = parse(List.of("christmas", "thanksgiving", "easter"));

  private final List<String> specs;
  private final List<Predicate<LocalDate>> days;

  private Holidays(List<String> specs) {
    this.specs = List.copyOf(specs);
    this.days = this.specs.stream().map(Holidays::matcher).toList();
  }

  /**
   * The calendar of {@code specs}.
   *
   * @throws IllegalArgumentException naming the first entry that is none of the forms above
   */
  public static Holidays parse(List<String> specs) {
    return new Holidays(Objects.requireNonNull(specs, "specs"));
  }

  /** The entries as written. */
  public List<String> specs() {
    return specs;
  }

  /** Whether {@code date} is one of the holidays. */
  public boolean contains(LocalDate date) {
    for (Predicate<LocalDate> d : days) {
      if (d.test(date)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The most days {@link DropRule#known} passes over for this calendar in a window of {@code span}
   * days: each holiday met lengthens the window by one. Found by scanning back from every day of
   * three years (Easter moves), so any entry of any form is covered.
   */
  int mostPassedOver(int span) {
    int most = 0;
    LocalDate from = LocalDate.of(2024, 1, 1);
    for (LocalDate d = from; d.isBefore(from.plusYears(3)); d = d.plusDays(1)) {
      int passed = 0;
      for (int i = 0, reach = span; i < reach; i++) {
        if (contains(d.minusDays(i))) {
          passed++;
          reach++;
        }
      }
      most = Math.max(most, passed);
    }
    return most;
  }

  /** The entry, as written, that {@code date} falls in; null if none. */
  public String nameOf(LocalDate date) {
    for (int i = 0; i < days.size(); i++) {
      if (days.get(i).test(date)) {
        return specs.get(i);
      }
    }
    return null;
  }

  private static Predicate<LocalDate> matcher(String spec) {
    String s = spec.trim().toLowerCase(Locale.ROOT);
    switch (s) {
      case "christmas":
        return yearly(MonthDay.of(12, 24), MonthDay.of(1, 2));
      case "thanksgiving":
        return d -> {
          LocalDate thursday = LocalDate.of(d.getYear(), 11, 1)
              .with(TemporalAdjusters.dayOfWeekInMonth(4, DayOfWeek.THURSDAY));
          return d.equals(thursday) || d.equals(thursday.plusDays(1));
        };
      case "easter":
        return d -> {
          LocalDate sunday = easterSunday(d.getYear());
          return !d.isBefore(sunday.minusDays(2)) && !d.isAfter(sunday.plusDays(1));
        };
      default:
        break;
    }
    String[] range = s.split("\\.\\.", -1);
    if (range.length > 2) {
      throw invalid(spec);
    }
    try {
      if (range[0].length() == 5) {
        MonthDay from = MonthDay.parse("--" + range[0]);
        MonthDay to = range.length == 2 ? MonthDay.parse("--" + range[1]) : from;
        return yearly(from, to);
      }
      LocalDate from = LocalDate.parse(range[0]);
      LocalDate to = range.length == 2 ? LocalDate.parse(range[1]) : from;
      if (to.isBefore(from)) {
        throw invalid(spec);
      }
      return d -> !d.isBefore(from) && !d.isAfter(to);
    } catch (DateTimeParseException e) {
      throw invalid(spec);
    }
  }

  /** From {@code from} to {@code to} inclusive each year; wraps over New Year if to < from. */
  private static Predicate<LocalDate> yearly(MonthDay from, MonthDay to) {
    boolean wraps = to.isBefore(from);
    return d -> {
      MonthDay md = MonthDay.from(d);
      boolean afterFrom = !md.isBefore(from);
      boolean beforeTo = !md.isAfter(to);
      return wraps ? afterFrom || beforeTo : afterFrom && beforeTo;
    };
  }

  /** Gregorian Easter Sunday (the anonymous Gregorian algorithm). */
  static LocalDate easterSunday(int year) {
    int a = year % 19;
    int b = year / 100;
    int c = year % 100;
    int d = b / 4;
    int e = b % 4;
    int f = (b + 8) / 25;
    int g = (b - f + 1) / 3;
    int h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4;
    int k = c % 4;
    int l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    int month = (h + l - 7 * m + 114) / 31;
    int day = (h + l - 7 * m + 114) % 31 + 1;
    return LocalDate.of(year, month, day);
  }

  private static IllegalArgumentException invalid(String spec) {
    return new IllegalArgumentException("expected christmas, thanksgiving, easter, MM-DD,"
        + " MM-DD..MM-DD, YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD, got '" + spec + "'");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Holidays h && h.specs.equals(specs);
  }

  @Override
  public int hashCode() {
    return specs.hashCode();
  }

  @Override
  public String toString() {
    return specs.toString();
  }
}
