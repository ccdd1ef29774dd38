package dev.pypiwatch.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.api.RecentResponse;
import dev.pypiwatch.api.ResponseParser;
import dev.pypiwatch.api.SeriesResponse;
import dev.pypiwatch.api.SeriesRow;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.RecentDownloads;
import dev.pypiwatch.testing.Fixtures;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

    List<DownloadRecord> records = Normalizer.series("Django_REST.framework", Endpoint.SYSTEM, response).records();

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

    List<DownloadRecord> records = Normalizer.series("pip", Endpoint.PYTHON_MINOR, response).records();

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
        Normalizer.series("pip", Endpoint.SYSTEM, response).records());
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {
    "overall      | with_mirror                   | with_mirrors, without_mirrors or null",
    "overall      | 3.12                          | with_mirrors, without_mirrors or null",
    "python_major | 3.12                          | a Python major version (N) or null",
    "python_major | x                             | a Python major version (N) or null",
    "python_major | 3333                          | a Python major version (N) or null",
    "python_minor | 3.14<script>alert(1)</script> | a Python minor version (N.M) or null",
    "python_minor | 3                             | a Python minor version (N.M) or null",
    "python_minor | 3.                            | a Python minor version (N.M) or null",
    "python_minor | .12                           | a Python minor version (N.M) or null",
    "python_minor | 3.12.1                        | a Python minor version (N.M) or null",
    "python_minor | ٣.١٢                          | a Python minor version (N.M) or null",
    "system       | FreeBSD                       | Windows, Linux, Darwin, other or null",
    "system       | with_mirrors                  | Windows, Linux, Darwin, other or null",
  })
  void aRowWithACategoryTheEndpointCannotHoldIsRejectedAndTheRestKept(String endpoint, String bad,
      String expected) {
    Endpoint e = Endpoint.fromPath(endpoint).orElseThrow();
    String good = switch (e) {
      case OVERALL -> "without_mirrors";
      case PYTHON_MAJOR -> "3";
      case PYTHON_MINOR -> "3.12";
      default -> "Linux";
    };
    SeriesResponse response = new SeriesResponse("pip", endpoint, List.of(
        new SeriesRow(good, D1, 1), new SeriesRow(good, D2, 2), new SeriesRow(bad, D2, 50),
        new SeriesRow(null, D2, 4)));

    NormalizedSeries n = Normalizer.series("pip", e, response);

    assertEquals(List.of(new RejectedRow(2, "category", "expected " + expected + ", got \"" + bad + "\"")),
        n.rejected());
    assertEquals("data[2].category", n.rejected().get(0).path());
    assertEquals(3, n.records().size(), n.records().toString());
    assertEquals(7, n.records().stream().mapToLong(DownloadRecord::downloads).sum());
  }

  @Test
  void aRejectedCategoryIsEscapedAndCutInTheProblem() {
    String injected = "3.14<script>\r\nX-Injected: 1\u001b[31m\u202e" + "x".repeat(60);
    SeriesResponse response = new SeriesResponse("pip", "python_minor_downloads", List.of(
        new SeriesRow("3.12", D1, 1), new SeriesRow(injected, D1, 2), new SeriesRow(injected, D2, 3)));

    NormalizedSeries n = Normalizer.series("pip", Endpoint.PYTHON_MINOR, response);

    assertEquals(List.of("data[1].category", "data[2].category"),
        n.rejected().stream().map(RejectedRow::path).toList());
    String problem = n.rejected().get(0).problem();
    assertEquals("expected a Python minor version (N.M) or null, got \"3.14<script>\\r\\nX-Injected: 1"
        + "\\u001B[31m\\u202E" + "x".repeat(7) + "…\"", problem);
    assertEquals(List.of(new DownloadRecord("pip", Endpoint.PYTHON_MINOR, "3.12", D1, 1)), n.records());
  }

  @Test
  void aRowWhoseSumOverflowsIsRejectedNotThrown() {
    SeriesResponse response = new SeriesResponse("pip", "system_downloads", List.of(
        new SeriesRow("Linux", D1, Long.MAX_VALUE - 1), new SeriesRow("Windows", D1, 5),
        new SeriesRow("linux", D1, 1), new SeriesRow("LINUX", D1, 2)));

    NormalizedSeries n = Normalizer.series("pip", Endpoint.SYSTEM, response);

    assertEquals(List.of(new RejectedRow(3, "downloads",
        "the sum of the rows of category 'linux' on 2026-04-01 overflows a long, got 2")), n.rejected());
    assertEquals(List.of(new DownloadRecord("pip", Endpoint.SYSTEM, "linux", D1, Long.MAX_VALUE),
        new DownloadRecord("pip", Endpoint.SYSTEM, "windows", D1, 5)), n.records());
  }

  @Test
  void theRealFixturesHaveNoRejectedRow() {
    int checked = 0;
    for (String name : Fixtures.names(".json")) {
      Optional<Endpoint> e = Arrays.stream(Endpoint.values())
          .filter(x -> x.isTimeSeries() && name.contains("_" + x.path())).findFirst();
      if (e.isPresent()) {
        SeriesResponse body = ResponseParser.parseSeries(Fixtures.text(name));
        assertEquals(List.of(), Normalizer.series("pip", e.get(), body).rejected(), name);
        checked++;
      }
    }
    assertTrue(checked > 30, "fixtures checked: " + checked);
  }

  @Test
  void emptyResponseGivesNoRecords() {
    assertTrue(Normalizer.series("pip", Endpoint.OVERALL, new SeriesResponse("pip", "overall_downloads", List.of())).records().isEmpty());
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
