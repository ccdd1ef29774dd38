package dev.pypiwatch.ingest;

import dev.pypiwatch.events.DownloadRecord;
import java.util.List;

/**
 * What {@link Normalizer#series} made of one time-series body: the records, and the rows it left
 * out (a category the endpoint cannot hold, a day's sum that overflows), in body order.
 */
public record NormalizedSeries(List<DownloadRecord> records, List<RejectedRow> rejected) {

  public NormalizedSeries {
    records = List.copyOf(records);
    rejected = List.copyOf(rejected);
  }
}
