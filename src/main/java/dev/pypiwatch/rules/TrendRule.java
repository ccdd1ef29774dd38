package dev.pypiwatch.rules;

import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.Severity;
import dev.pypiwatch.events.TextFormat;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Week over week: the mean of the last 7 days' known counts against the 7 days before, beyond
 * {@code percent} either way. Means of known days, so a hole neither lowers nor raises a week.
 */
final class TrendRule implements Rule {
  static final String NAME = "trend";
  static final int WEEK = 7;
  static final int MIN_KNOWN = 5;

  @Override
  public Set<String> scopes() {
    return Set.of(Rule.scope(NAME, Endpoint.OVERALL.path()));
  }

  @Override
  public Optional<List<Finding>> evaluate(Day day) {
    TrendSettings s = day.settings().trend();
    String category = day.settings().spike().category();
    DailySeries series = day.history().series(Endpoint.OVERALL, category);
    if (!series.has(day.epochDay())) {
      return Optional.empty();
    }
    double now = weekMean(series, day.date());
    double before = weekMean(series, day.date().minusDays(WEEK));
    if (!s.enabled() || Double.isNaN(now) || Double.isNaN(before) || before < s.minVolume()) {
      return Optional.of(List.of());
    }
    double change = now / before - 1;
    double p = s.percent() / 100;
    if (change < p && change > -p) {
      return Optional.of(List.of());
    }
    Severity sev = Math.abs(change) >= 2 * p ? Severity.WARNING : Severity.INFO;
    String summary = String.format(java.util.Locale.ROOT,
        "%s: weekly downloads %s %.0f%% (%s vs %s the week before) in the 7 days to %s",
        day.pkg(), change > 0 ? "up" : "down", Math.abs(100 * change), TextFormat.count(WEEK * now),
        TextFormat.count(WEEK * before), TextFormat.day(day.date()));
    return Optional.of(List.of(new Finding(
        Fingerprints.of(NAME, day.pkg(), Endpoint.OVERALL.path(), category), NAME,
        Endpoint.OVERALL.path(), category, sev, WEEK * now, WEEK * before, change / p, summary)));
  }

  /** The mean of the known days of the 7 days to {@code end}; NaN if fewer than 5 are known. */
  static double weekMean(DailySeries s, LocalDate end) {
    int day = Math.toIntExact(end.toEpochDay());
    double sum = 0;
    int n = 0;
    for (int i = 0; i < WEEK; i++) {
      long x = s.at(day - i);
      if (x >= 0) {
        sum += x;
        n++;
      }
    }
    return n >= MIN_KNOWN ? sum / n : Double.NaN;
  }
}
