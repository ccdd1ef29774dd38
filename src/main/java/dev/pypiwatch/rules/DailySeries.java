package dev.pypiwatch.rules;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

/**
 * One category's daily counts. A date without a value is unknown (an upstream hole or a lost
 * day), never zero: the origin sends explicit zeros.
 */
final class DailySeries {
  private final Map<LocalDate, Long> values = new HashMap<>();

  void put(LocalDate date, long downloads) {
    values.put(date, downloads);
  }

  /** True if {@code date} has a count. */
  boolean has(LocalDate date) {
    return values.containsKey(date);
  }

  /** The count on {@code date}, or -1 if unknown. */
  long at(LocalDate date) {
    Long v = values.get(date);
    return v == null ? -1 : v;
  }
}
