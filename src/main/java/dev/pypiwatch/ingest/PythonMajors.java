package dev.pypiwatch.ingest;

import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import java.time.LocalDate;
import java.util.ArrayList;
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
    Map<String, Map<LocalDate, Long>> sums = new TreeMap<>();
    String pkg = null;
    for (DownloadRecord r : minor.records()) {
      pkg = r.packageName();
      sums.computeIfAbsent(majorOf(r.category()), k -> new TreeMap<>())
          .merge(r.date(), r.downloads(), Math::addExact);
    }
    List<DownloadRecord> majors = new ArrayList<>();
    for (var byMajor : sums.entrySet()) {
      for (var day : byMajor.getValue().entrySet()) {
        majors.add(new DownloadRecord(
            pkg, Endpoint.PYTHON_MAJOR, byMajor.getKey(), day.getKey(), day.getValue()));
      }
    }
    return new FetchedSeries(minor.source(), majors);
  }
}
