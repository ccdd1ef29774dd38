package dev.pypiwatch.events;

import java.time.Instant;
import java.time.LocalDate;

/** Observations for tests. */
public final class Samples {
  public static final Instant FETCHED = Instant.parse("2026-04-02T02:00:03.120Z");

  private Samples() {}

  public static DownloadObservation download(String pkg, String date, long downloads) {
    return new DownloadObservation(
        new DownloadRecord(pkg, Endpoint.OVERALL, Categories.WITHOUT_MIRRORS, LocalDate.parse(date), downloads),
        Origin.REPORTED, null, FETCHED, "https://pypistats.org/api/packages/" + pkg + "/overall");
  }

  public static RecentObservation recent(String pkg, Long day, Long week, Long month) {
    return new RecentObservation(new RecentDownloads(pkg, day, week, month), LocalDate.parse("2026-04-01"),
        FETCHED, "https://pypistats.org/api/packages/" + pkg + "/recent");
  }
}
