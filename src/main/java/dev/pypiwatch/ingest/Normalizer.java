package dev.pypiwatch.ingest;

import dev.pypiwatch.api.RecentResponse;
import dev.pypiwatch.api.SeriesResponse;
import dev.pypiwatch.api.SeriesRow;
import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.PackageName;
import dev.pypiwatch.events.RecentDownloads;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

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
  private Normalizer() {}

  /** The normalized records of a time-series response of {@code endpoint} for {@code pkg}. */
  public static List<DownloadRecord> records(String pkg, Endpoint endpoint, SeriesResponse response) {
    String name = PackageName.normalize(pkg);
    List<SeriesRow> rows = response.rows();
    int n = rows.size();
    String[] categories = new String[n];
    boolean ordered = true;
    for (int i = 0; i < n; i++) {
      String raw = rows.get(i).category();
      // Rows come grouped by category: normalize each spelling once.
      categories[i] = i > 0 && Objects.equals(raw, rows.get(i - 1).category())
          ? categories[i - 1] : Categories.normalize(endpoint, raw);
      ordered &= i == 0 || compare(categories, rows, i - 1, i) < 0;
    }
    List<DownloadRecord> out = new ArrayList<>(n);
    if (ordered) {
      // The usual case (by category, then date, no repeats): nothing to sort or sum.
      for (int i = 0; i < n; i++) {
        SeriesRow row = rows.get(i);
        out.add(new DownloadRecord(name, endpoint, categories[i], row.date(), row.downloads()));
      }
      return out;
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> compare(categories, rows, a, b)); // stable: sums in row order
    for (int k = 0; k < n; ) {
      int i = order[k];
      long sum = rows.get(i).downloads();
      for (k++; k < n && compare(categories, rows, i, order[k]) == 0; k++) {
        sum = Math.addExact(sum, rows.get(order[k]).downloads());
      }
      out.add(new DownloadRecord(name, endpoint, categories[i], rows.get(i).date(), sum));
    }
    return out;
  }

  /** Rows {@code a} and {@code b} by normalized category, then date. */
  private static int compare(String[] categories, List<SeriesRow> rows, int a, int b) {
    int c = categories[a].compareTo(categories[b]);
    return c != 0 ? c : rows.get(a).date().compareTo(rows.get(b).date());
  }

  /** The normalized {@code /recent} figures for {@code pkg}. */
  public static RecentDownloads recent(String pkg, RecentResponse response) {
    return new RecentDownloads(
        PackageName.normalize(pkg), response.lastDay(), response.lastWeek(), response.lastMonth());
  }
}
