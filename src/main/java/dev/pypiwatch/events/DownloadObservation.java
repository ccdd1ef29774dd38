package dev.pypiwatch.events;

import java.time.Instant;
import java.util.Objects;

/**
 * A {@link DownloadRecord} as published to {@code pypistats.downloads}: the record plus how it was
 * obtained, when, from where, and (for a revision of a day published before) the previous count.
 *
 * @param record the normalized record
 * @param origin reported by the upstream, or a zero filled in for an omitted row
 * @param previousDownloads the count published before for the same day, or null on first publication
 * @param fetchedAt when the response was received
 * @param source the URL that was fetched
 */
public record DownloadObservation(
    DownloadRecord record, Origin origin, Long previousDownloads, Instant fetchedAt, String source) {

  public DownloadObservation {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(fetchedAt, "fetchedAt");
    Objects.requireNonNull(source, "source");
    if (origin == Origin.ZERO_FILLED && record.downloads() != 0) {
      throw new IllegalArgumentException("a zero-filled record must have 0 downloads");
    }
  }

  /** True when this corrects a count published before. */
  public boolean isRevision() {
    return previousDownloads != null;
  }
}
