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
    String[] categories = categories(endpoint, rows);
    List<DownloadRecord> out = byRuns(name, endpoint, categories, rows);
    return out != null ? out : sortedAndSummed(name, endpoint, categories, rows);
  }

  /** The normalized category of each row. */
  private static String[] categories(Endpoint endpoint, List<SeriesRow> rows) {
    String[] categories = new String[rows.size()];
    // Rows come grouped by category: normalize each spelling once.
    int start = 0;
    while (start < categories.length) {
      String raw = rows.get(start).category();
      int end = start + 1;
      while (end < categories.length && Objects.equals(raw, rows.get(end).category())) {
        end++;
      }
      Arrays.fill(categories, start, end, Categories.normalize(endpoint, raw));
      start = end;
    }
    return categories;
  }

  /**
   * The usual case, without sorting rows: the upstream sends each category's rows together, by
   * date, so the output is these runs in category order. Null if two runs have one category.
   */
  private static List<DownloadRecord> byRuns(String name, Endpoint endpoint, String[] categories,
      List<SeriesRow> rows) {
    List<Integer> starts = new ArrayList<>();
    for (int i = 0; i < categories.length; i++) {
      if (i == 0 || !categories[i].equals(categories[i - 1])
          || !rows.get(i).date().isAfter(rows.get(i - 1).date())) {
        starts.add(i);
      }
    }
    List<Integer> byCategory = new ArrayList<>(starts);
    byCategory.sort((a, b) -> categories[a].compareTo(categories[b]));
    for (int r = 1; r < byCategory.size(); r++) {
      if (categories[byCategory.get(r - 1)].equals(categories[byCategory.get(r)])) {
        return null;
      }
    }
    List<DownloadRecord> out = new ArrayList<>(categories.length);
    for (int start : byCategory) {
      int run = starts.indexOf(start);
      int end = run + 1 < starts.size() ? starts.get(run + 1) : categories.length;
      for (int i = start; i < end; i++) {
        SeriesRow row = rows.get(i);
        out.add(new DownloadRecord(name, endpoint, categories[i], row.date(), row.downloads()));
      }
    }
    return out;
  }

  private static List<DownloadRecord> sortedAndSummed(String name, Endpoint endpoint,
      String[] categories, List<SeriesRow> rows) {
    int n = categories.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> compare(categories, rows, a, b)); // stable: sums in row order
    List<DownloadRecord> out = new ArrayList<>(n);
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
