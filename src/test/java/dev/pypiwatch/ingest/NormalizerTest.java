package dev.pypiwatch.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.api.RecentResponse;
import dev.pypiwatch.api.SeriesResponse;
import dev.pypiwatch.api.SeriesRow;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.RecentDownloads;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class NormalizerTest {
  private static final LocalDate D1 = LocalDate.of(2026, 4, 1);
  private static final LocalDate D2 = LocalDate.of(2026, 4, 2);

  @Test
  void normalizesNamesCategoriesAndSortsByCategoryThenDate() {
    SeriesResponse response = new SeriesResponse("Django_REST.framework", "system_downloads", List.of(
        new SeriesRow("Windows", D2, 5),
        new SeriesRow("Linux", D2, 7),
        new SeriesRow("Linux", D1, 3),
        new SeriesRow(null, D1, 2)));

    List<DownloadRecord> records = Normalizer.records("Django_REST.framework", Endpoint.SYSTEM, response);

    assertEquals(List.of(
        new DownloadRecord("django-rest-framework", Endpoint.SYSTEM, "linux", D1, 3),
        new DownloadRecord("django-rest-framework", Endpoint.SYSTEM, "linux", D2, 7),
        new DownloadRecord("django-rest-framework", Endpoint.SYSTEM, "unknown", D1, 2),
        new DownloadRecord("django-rest-framework", Endpoint.SYSTEM, "windows", D2, 5)), records);
  }

  @Test
  void sumsRowsThatNormalizeToTheSameCategoryAndDateSoNothingIsLost() {
    SeriesResponse response = new SeriesResponse("pip", "python_minor_downloads", List.of(
        new SeriesRow("null", D1, 10), new SeriesRow(null, D1, 4), new SeriesRow("3.12", D1, 1)));

    List<DownloadRecord> records = Normalizer.records("pip", Endpoint.PYTHON_MINOR, response);

    assertEquals(2, records.size());
    assertEquals(new DownloadRecord("pip", Endpoint.PYTHON_MINOR, "unknown", D1, 14), records.get(1));
    long in = response.rows().stream().mapToLong(SeriesRow::downloads).sum();
    assertEquals(in, records.stream().mapToLong(DownloadRecord::downloads).sum());
  }

  @Test
  void unsortedRowsWithRepeatsAreSummedAndSorted() {
    SeriesResponse response = new SeriesResponse("pip", "system_downloads", List.of(
        new SeriesRow("Linux", D2, 1), new SeriesRow("linux", D1, 2), new SeriesRow("Linux", D1, 4),
        new SeriesRow(null, D2, 8), new SeriesRow("Linux", D2, 16), new SeriesRow("null", D2, 32)));

    assertEquals(List.of(
        new DownloadRecord("pip", Endpoint.SYSTEM, "linux", D1, 6),
        new DownloadRecord("pip", Endpoint.SYSTEM, "linux", D2, 17),
        new DownloadRecord("pip", Endpoint.SYSTEM, "unknown", D2, 40)),
        Normalizer.records("pip", Endpoint.SYSTEM, response));
  }

  @Test
  void emptyResponseGivesNoRecords() {
    assertTrue(Normalizer.records("pip", Endpoint.OVERALL, new SeriesResponse("pip", "overall_downloads", List.of())).isEmpty());
  }

  @Test
  void recentKeepsMissingFiguresAsNull() {
    RecentDownloads r = Normalizer.recent("PIP", new RecentResponse("pip", "recent_downloads", 1956060L, null, null));
    assertEquals("pip", r.packageName());
    assertEquals(1956060L, r.lastDay());
    assertNull(r.lastWeek());
    assertNull(r.lastMonth());
  }
}
