package dev.pypiwatch.rules;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertContext;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.TextFormat;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;

/**
 * The context of a firing alert, from what the engine already holds (no I/O): the ecosystem
 * reference's move that day, the day's mirror share, how rare the score is, and the weekday or
 * holiday. The release near the day is the notifier's to add.
 */
final class DayContext {
  /** The rules whose score is in noise units, so that its rarity means something. */
  private static final Set<String> NOISE_UNIT_RULES = Set.of(SpikeRule.NAME, DropRule.NAME,
      "python-shift", "os-shift");

  private DayContext() {}

  /** {@code alerts} with the context of {@code day} added to each firing one. */
  static List<Alert> explain(Rule.Day day, List<Alert> alerts) {
    if (!anyFiring(alerts)) {
      return alerts; // most days: nothing to explain
    }
    Double ecosystem = ecosystemChange(day);
    Double mirrors = mirrorShare(day.history(), day.date());
    String weekday = TextFormat.weekday(day.date());
    String holiday = day.settings().drop().holidays().nameOf(day.date());
    return alerts.stream().map(a -> a.state() != AlertState.FIRING ? a : a.withContext(
        new AlertContext(ecosystem, mirrors, oneDayIn(a), unusual(a), weekday, holiday, null))).toList();
  }

  private static boolean anyFiring(List<Alert> alerts) {
    for (int i = 0; i < alerts.size(); i++) {
      if (alerts.get(i).state() == AlertState.FIRING) {
        return true;
      }
    }
    return false;
  }

  /**
   * The reference's count that day against the median of its last weeks' same weekdays, as a
   * relative change; null without a reference, its count or a baseline.
   */
  static Double ecosystemChange(Rule.Day day) {
    if (day.reference() == null) {
      return null;
    }
    SpikeSettings s = day.settings().spike();
    DailySeries ref = day.reference().series(Endpoint.OVERALL, s.category());
    if (!ref.has(day.date())) {
      return null;
    }
    double b = Baselines.sameWeekday(ref, day.date(), s.weeks());
    return Double.isNaN(b) || b <= 0 ? null : ref.at(day.date()) / b - 1;
  }

  /** {@code (with_mirrors - without_mirrors) / with_mirrors} that day; null unless both are known. */
  static Double mirrorShare(PackageHistory h, LocalDate date) {
    DailySeries with = h.series(Endpoint.OVERALL, Categories.WITH_MIRRORS);
    DailySeries without = h.series(Endpoint.OVERALL, Categories.WITHOUT_MIRRORS);
    if (!with.has(date) || !without.has(date) || with.at(date) <= 0) {
      return null;
    }
    return Math.max(0, with.at(date) - without.at(date)) / (double) with.at(date);
  }

  private static Long oneDayIn(Alert a) {
    long n = NOISE_UNIT_RULES.contains(a.rule()) ? Rarity.oneDayIn(a.score()) : -1;
    return n < 0 ? null : Math.min(n, Rarity.CAP);
  }

  private static String unusual(Alert a) {
    long n = NOISE_UNIT_RULES.contains(a.rule()) ? Rarity.oneDayIn(a.score()) : -1;
    return n < 0 ? null : TextFormat.rarity(n, Rarity.CAP);
  }
}
