package dev.pypiwatch.api;

import java.util.List;

/**
 * A parsed time-series body ({@code overall}, {@code python_major}, {@code python_minor},
 * {@code system}), raw: nothing normalized.
 *
 * @param packageName the {@code package} field as sent; null if absent
 * @param type the {@code type} field as sent, e.g. {@code overall_downloads}; null if absent
 * @param rows the {@code data} rows in the order sent
 */
public record SeriesResponse(String packageName, String type, List<SeriesRow> rows) {
  public SeriesResponse {
    rows = List.copyOf(rows);
  }
}
