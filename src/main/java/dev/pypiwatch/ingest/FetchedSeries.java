package dev.pypiwatch.ingest;

import dev.pypiwatch.events.DownloadRecord;
import java.util.List;
import java.util.Objects;

/**
 * The normalized records of one endpoint as fetched in one poll, with the URL they came from.
 *
 * <p>An empty list means the same as an absent endpoint: the upstream answers a transient
 * failure with 200 and {@code "data": []}, so "empty" is never read as "zero downloads".
 */
public record FetchedSeries(String source, List<DownloadRecord> records) {

  public FetchedSeries {
    Objects.requireNonNull(source, "source");
    records = List.copyOf(records);
  }

  /** True when there is no row at all (fetch failed, 404, or an empty 200). */
  public boolean isEmpty() {
    return records.isEmpty();
  }
}
