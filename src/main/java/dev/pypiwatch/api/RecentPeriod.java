package dev.pypiwatch.api;

import java.util.Locale;

/** The {@code period} filter of the {@code /recent} endpoint. */
public enum RecentPeriod {
  DAY,
  WEEK,
  MONTH;

  /** The query parameter value, e.g. {@code day}. */
  public String query() {
    return name().toLowerCase(Locale.ROOT);
  }
}
