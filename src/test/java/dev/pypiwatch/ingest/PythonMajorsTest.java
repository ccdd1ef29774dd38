package dev.pypiwatch.ingest;

import static dev.pypiwatch.ingest.PollTesting.day;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PythonMajorsTest {

  @ParameterizedTest
  @CsvSource({"3.12, 3", "3.9, 3", "2.7, 2", "unknown, unknown", "3, 3", "4.0.1, 4"})
  void majorIsThePrefixBeforeTheFirstDot(String minor, String major) {
    assertEquals(major, PythonMajors.majorOf(minor));
  }

  @Test
  void majorsAreSumsOfMinorsPerDayIncludingUnknown() {
    FetchedSeries minor = new FetchedSeries("u", List.of(
        rec(Endpoint.PYTHON_MINOR, "3.12", 0, 5), rec(Endpoint.PYTHON_MINOR, "unknown", 0, 4),
        rec(Endpoint.PYTHON_MINOR, "2.7", 1, 1), rec(Endpoint.PYTHON_MINOR, "3.11", 0, 7),
        rec(Endpoint.PYTHON_MINOR, "3.11", 1, 2)));

    FetchedSeries major = PythonMajors.derive(minor);

    assertEquals(new FetchedSeries("u", List.of(
        rec(Endpoint.PYTHON_MAJOR, "2", 1, 1), rec(Endpoint.PYTHON_MAJOR, "3", 0, 12),
        rec(Endpoint.PYTHON_MAJOR, "3", 1, 2), rec(Endpoint.PYTHON_MAJOR, "unknown", 0, 4))), major);
  }

  private static DownloadRecord rec(Endpoint e, String category, int i, long n) {
    return new DownloadRecord("p", e, category, day(i), n);
  }
}
