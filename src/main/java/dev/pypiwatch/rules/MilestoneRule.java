package dev.pypiwatch.rules;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.Severity;
import dev.pypiwatch.events.TextFormat;
import java.time.LocalDate;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The 30-day total reaching a new power of ten (1,000, 10,000, ...): good news, reported once per
 * level. The total is 30 times the mean of the known days among the last 30 (at least 25 must be
 * known, and the day judged itself; otherwise no verdict): a hole is not counted as zero, the known
 * days' mean stands in for it, so a hole can move the estimate either way by how far the missing day
 * was from that mean (a missing quiet day can tip a total just under a level over it). The first
 * level seen is a starting point, not news; a fall keeps the highest level reached.
 */
final class MilestoneRule {
  static final String NAME = "milestone";
  static final int DAYS = 30;
  static final int MIN_KNOWN = 25;
  /** How far back a restarted engine looks for the level reached: the downloads topic's 200 days. */
  static final int LOOKBACK_DAYS = 200;

  private MilestoneRule() {}

  /** The estimated 30-day total to {@code date}; NaN if too few days are known. */
  static double total(DailySeries s, LocalDate date) {
    int day = Math.toIntExact(date.toEpochDay());
    double sum = 0;
    int n = 0;
    for (int i = 0; i < DAYS; i++) {
      long x = s.at(day - i);
      if (x >= 0) {
        sum += x;
        n++;
      }
    }
    return n >= MIN_KNOWN ? DAYS * sum / n : Double.NaN;
  }

  /**
   * The highest level of the days before {@code date} that have a verdict, looking back at most
   * {@link #LOOKBACK_DAYS}; empty if none has one (then the first level seen is the start).
   */
  static OptionalLong highestBefore(DailySeries s, LocalDate date, MilestoneSettings settings) {
    long highest = -1;
    for (LocalDate d = date.minusDays(LOOKBACK_DAYS); d.isBefore(date); d = d.plusDays(1)) {
      if (s.has(d)) {
        double total = total(s, d);
        if (!Double.isNaN(total)) {
          highest = Math.max(highest, level(total, settings));
        }
      }
    }
    return highest < 0 ? OptionalLong.empty() : OptionalLong.of(highest);
  }

  /** The highest power of ten at most {@code total} and at least the minimum; 0 if none. */
  static long level(double total, MilestoneSettings s) {
    long level = 0;
    for (long l = s.minLevel(); l > 0 && l <= total; l *= 10) {
      level = l;
    }
    return level;
  }

  /** The finding for reaching {@code level} with {@code total} on {@code date}. */
  static Finding finding(String pkg, String category, LocalDate date, double total, long level) {
    String summary = pkg + ": " + TextFormat.count(level) + " downloads in 30 days reached on "
        + TextFormat.day(date) + " (" + TextFormat.count(total) + ")";
    return new Finding(Fingerprints.of(NAME, pkg, Endpoint.OVERALL.path(), category,
        Long.toString(level)), NAME, Endpoint.OVERALL.path(), category, Severity.INFO, total,
        level, total / level, summary);
  }

  /** The level a restored milestone alert stands for. */
  static Optional<Long> levelOf(Alert a) {
    return a.rule().equals(NAME) ? Optional.of(Math.round(a.expected())) : Optional.empty();
  }
}
