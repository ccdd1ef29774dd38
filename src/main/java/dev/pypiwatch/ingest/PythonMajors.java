package dev.pypiwatch.ingest;

import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code python_major} derived from {@code python_minor}: the upstream computes both from the same
 * rows, so the sum of the minors by major prefix is what {@code python_major} would answer, and
 * one request a package a day is saved.
 */
public final class PythonMajors {
  private PythonMajors() {}

  /** The major of a minor category: {@code 3.12} is {@code 3}, {@code unknown} stays. */
  public static String majorOf(String minor) {
    if (minor.equals(Categories.UNKNOWN)) {
      return Categories.UNKNOWN;
    }
    int dot = minor.indexOf('.');
    return dot < 0 ? minor : minor.substring(0, dot);
  }

  /** The {@code python_major} answer, with the source of the {@code python_minor} one. */
  public static FetchedSeries derive(FetchedSeries minor) {
    List<DownloadRecord> records = minor.records();
    if (records.isEmpty()) {
      return new FetchedSeries(minor.source(), List.of());
    }
    // Dates are a dense range: sums in an array per major, indexed by day - first.
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (DownloadRecord r : records) {
      first = Math.min(first, r.date().toEpochDay());
      last = Math.max(last, r.date().toEpochDay());
    }
    int days = Math.toIntExact(last - first + 1);
    Map<String, long[]> sums = new TreeMap<>();
    String minorOfLast = null;
    long[] majorOfLast = null;
    for (DownloadRecord r : records) {
      if (!r.category().equals(minorOfLast)) { // rows come grouped by category
        minorOfLast = r.category();
        majorOfLast = sums.computeIfAbsent(majorOf(minorOfLast), k -> absent(days));
      }
      int i = (int) (r.date().toEpochDay() - first);
      majorOfLast[i] = majorOfLast[i] < 0 ? r.downloads() : Math.addExact(majorOfLast[i], r.downloads());
    }
    String pkg = records.get(records.size() - 1).packageName();
    LocalDate[] dates = new LocalDate[days];
    List<DownloadRecord> majors = new ArrayList<>();
    for (var byMajor : sums.entrySet()) {
      long[] sum = byMajor.getValue();
      for (int i = 0; i < days; i++) {
        if (sum[i] >= 0) {
          if (dates[i] == null) {
            dates[i] = LocalDate.ofEpochDay(first + i);
          }
          majors.add(new DownloadRecord(pkg, Endpoint.PYTHON_MAJOR, byMajor.getKey(), dates[i], sum[i]));
        }
      }
    }
    return new FetchedSeries(minor.source(), majors);
  }

  /** Sums of no day yet: -1, since counts are never negative. */
  private static long[] absent(int days) {
    long[] a = new long[days];
    Arrays.fill(a, -1);
    return a;
  }
}
