package dev.pypiwatch.events;

import java.util.Objects;

/**
 * The {@code /recent} aggregates of one package; a figure is null when the response left it out
 * (e.g. {@code ?period=day} carries only {@code last_day}).
 */
public record RecentDownloads(String packageName, Long lastDay, Long lastWeek, Long lastMonth) {

  public RecentDownloads {
    Objects.requireNonNull(packageName, "packageName");
    requireNonNegative("lastDay", lastDay);
    requireNonNegative("lastWeek", lastWeek);
    requireNonNegative("lastMonth", lastMonth);
  }

  private static void requireNonNegative(String name, Long value) {
    if (value != null && value < 0) {
      throw new IllegalArgumentException(name + " < 0: " + value);
    }
  }
}
