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
import java.util.Comparator;
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
 *
 * <p>This is the one place where upstream rows become records, so it is where a row that cannot be
 * a record is rejected: a category the endpoint cannot hold ({@link Categories#problem}), or a
 * row whose sum with the day's others overflows a long. The rest of the body is kept.
 */
public final class Normalizer {
  private Normalizer() {}

  /** The normalized records of a time-series response of {@code endpoint} for {@code pkg}. */
  public static NormalizedSeries series(String pkg, Endpoint endpoint, SeriesResponse response) {
    String name = PackageName.normalize(pkg);
    List<SeriesRow> rows = response.rows();
    List<RejectedRow> rejected = new ArrayList<>();
    String[] categories = categories(endpoint, rows, rejected);
    int[] index = null; // the body index of each kept row; null while every row is kept
    if (!rejected.isEmpty()) {
      index = new int[rows.size() - rejected.size()];
      List<SeriesRow> kept = new ArrayList<>(index.length);
      for (int i = 0, k = 0; i < rows.size(); i++) {
        if (categories[i] != null) {
          index[k++] = i;
          kept.add(rows.get(i));
        }
      }
      rows = kept;
      categories = Arrays.stream(categories).filter(Objects::nonNull).toArray(String[]::new);
    }
    List<DownloadRecord> out = byRuns(name, endpoint, categories, rows);
    if (out == null) {
      out = sortedAndSummed(name, endpoint, categories, rows, index, rejected);
    }
    rejected.sort(Comparator.comparingInt(RejectedRow::row));
    return new NormalizedSeries(out, rejected);
  }

  /** The normalized category of each row; null for a row rejected (and added to {@code rejected}). */
  private static String[] categories(Endpoint endpoint, List<SeriesRow> rows, List<RejectedRow> rejected) {
    String[] categories = new String[rows.size()];
    // Rows come grouped by category: check and normalize each spelling once.
    int start = 0;
    while (start < categories.length) {
      String raw = rows.get(start).category();
      int end = start + 1;
      while (end < categories.length && Objects.equals(raw, rows.get(end).category())) {
        end++;
      }
      String problem = Categories.problem(endpoint, raw);
      if (problem == null) {
        Arrays.fill(categories, start, end, Categories.normalize(endpoint, raw));
      } else {
        for (int i = start; i < end; i++) {
          rejected.add(new RejectedRow(i, "category", problem));
        }
      }
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
      String[] categories, List<SeriesRow> rows, int[] index, List<RejectedRow> rejected) {
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
        long downloads = rows.get(order[k]).downloads();
        if (sum > Long.MAX_VALUE - downloads) { // both are >= 0
          int row = index == null ? order[k] : index[order[k]];
          rejected.add(new RejectedRow(row, "downloads", "the sum of the rows of category '"
              + categories[i] + "' on " + rows.get(i).date() + " overflows a long, got " + downloads));
        } else {
          sum += downloads;
        }
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
