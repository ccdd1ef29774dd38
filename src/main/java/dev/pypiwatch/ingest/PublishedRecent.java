package dev.pypiwatch.ingest;

import dev.pypiwatch.events.RecentDownloads;
import java.time.LocalDate;
import java.util.Objects;

/** The {@code /recent} figures last published for a package, kept to publish only changes. */
public record PublishedRecent(LocalDate asOf, long lastDay, long lastWeek, long lastMonth) {

  public PublishedRecent {
    Objects.requireNonNull(asOf, "asOf");
  }

  /** The figures as the event payload spells them. */
  public RecentDownloads toRecentDownloads(String packageName) {
    return new RecentDownloads(packageName, lastDay, lastWeek, lastMonth);
  }
}
