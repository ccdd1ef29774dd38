package dev.pypiwatch.events;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * The {@code /recent} figures of a package as published to {@code pypistats.recent}.
 *
 * @param recent the figures
 * @param asOf the newest day they cover (the upstream's {@code /recent} carries no date; pypiwatch
 *     derives the figures from the daily series, so it knows it)
 * @param fetchedAt when the response they come from was received
 * @param source the URL that was fetched
 */
public record RecentObservation(RecentDownloads recent, LocalDate asOf, Instant fetchedAt, String source) {

  public RecentObservation {
    Objects.requireNonNull(recent, "recent");
    Objects.requireNonNull(fetchedAt, "fetchedAt");
    Objects.requireNonNull(source, "source");
  }
}
