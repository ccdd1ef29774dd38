package dev.pypiwatch.events;

import java.time.LocalDate;
import java.util.Objects;

/**
 * One day's download count of one package in one category of one time-series endpoint, normalized.
 *
 * <p>{@code packageName} is PEP 503 normalized; {@code category} is normalized by
 * {@link Categories}; {@code downloads} is never negative.
 */
public record DownloadRecord(
    String packageName, Endpoint endpoint, String category, LocalDate date, long downloads) {

  public DownloadRecord {
    Objects.requireNonNull(packageName, "packageName");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(date, "date");
    if (!endpoint.isTimeSeries()) {
      throw new IllegalArgumentException("endpoint is not a time series: " + endpoint);
    }
    if (downloads < 0) {
      throw new IllegalArgumentException("downloads < 0: " + downloads);
    }
  }
}
