package dev.pypiwatch.bench;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.SplittableRandom;

/** Synthetic PyPI Stats time-series bodies (compact JSON, rows sorted by category then date). */
final class SeriesBodies {
  static final List<String> OVERALL = List.of("with_mirrors", "without_mirrors");
  /** 15 python_minor categories, as a busy package has. */
  static final List<String> MINOR_15 = List.of("2.6", "2.7", "3.3", "3.4", "3.5", "3.6", "3.7",
      "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "null");
  /** 20 python_minor categories (the 15 plus older ones). */
  static final List<String> MINOR_20 = List.of("2.4", "2.5", "2.6", "2.7", "3.0", "3.1", "3.2",
      "3.3", "3.4", "3.5", "3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14",
      "null");
  static final List<String> SYSTEM = List.of("Darwin", "Linux", "Windows", "other", "null");

  private SeriesBodies() {}

  /**
   * A body of {@code pkg}'s {@code type} series with one row per category and day over
   * [{@code first}, {@code first + days}); a day's count depends only on (category, date), so
   * shifted windows agree on the days they share.
   */
  static byte[] body(String pkg, String type, List<String> categories, LocalDate first, int days) {
    StringBuilder sb = new StringBuilder(categories.size() * days * 64).append("{\"data\":[");
    for (int c = 0; c < categories.size(); c++) {
      for (int d = 0; d < days; d++) {
        if (c + d > 0) {
          sb.append(',');
        }
        LocalDate date = first.plusDays(d);
        long downloads = new SplittableRandom(31L * categories.get(c).hashCode() + date.toEpochDay())
            .nextLong(1_000, 5_000_000);
        sb.append("{\"category\":\"").append(categories.get(c))
            .append("\",\"date\":\"").append(date)
            .append("\",\"downloads\":").append(downloads).append('}');
      }
    }
    sb.append("],\"package\":\"").append(pkg).append("\",\"type\":\"").append(type).append("\"}");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }
}
