package dev.pypiwatch.ingest;

import dev.pypiwatch.api.RecentResponse;
import dev.pypiwatch.api.SeriesResponse;
import dev.pypiwatch.api.SeriesRow;
import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.PackageName;
import dev.pypiwatch.events.RecentDownloads;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns validated API responses into normalized domain records.
 *
 * <p>Pure: no I/O. The package name is the PEP 503 form of the name that was asked for (the
 * upstream echoes it un-normalized). Categories go through {@link Categories#normalize}. Two rows
 * that normalize to the same (category, date), e.g. JSON {@code null} and the string
 * {@code "null"}, are summed, so no download is lost. The output is sorted by category, then date,
 * whatever order the upstream sent.
 */
public final class Normalizer {
  private static final Comparator<DownloadRecord> ORDER =
      Comparator.comparing(DownloadRecord::category).thenComparing(DownloadRecord::date);

  private Normalizer() {}

  /** The normalized records of a time-series response of {@code endpoint} for {@code pkg}. */
  public static List<DownloadRecord> records(String pkg, Endpoint endpoint, SeriesResponse response) {
    String name = PackageName.normalize(pkg);
    Map<Key, Long> sums = new LinkedHashMap<>();
    for (SeriesRow row : response.rows()) {
      Key key = new Key(Categories.normalize(endpoint, row.category()), row.date());
      sums.merge(key, row.downloads(), Math::addExact);
    }
    List<DownloadRecord> out = new ArrayList<>(sums.size());
    sums.forEach((k, n) -> out.add(new DownloadRecord(name, endpoint, k.category(), k.date(), n)));
    out.sort(ORDER);
    return out;
  }

  /** The normalized {@code /recent} figures for {@code pkg}. */
  public static RecentDownloads recent(String pkg, RecentResponse response) {
    return new RecentDownloads(
        PackageName.normalize(pkg), response.lastDay(), response.lastWeek(), response.lastMonth());
  }

  private record Key(String category, LocalDate date) {}
}
