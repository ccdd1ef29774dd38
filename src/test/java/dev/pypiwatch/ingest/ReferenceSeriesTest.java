package dev.pypiwatch.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReferenceSeriesTest {
  private static final LocalDate D = LocalDate.of(2025, 2, 9);

  private static DownloadRecord r(String category, LocalDate date) {
    return new DownloadRecord("__all__", Endpoint.OVERALL, category, date, 1_000_000);
  }

  @Test
  void aDateWithNoRowInsideTheRangeIsAHole() {
    List<DownloadRecord> rows = List.of(r("with_mirrors", D), r("without_mirrors", D),
        r("without_mirrors", D.plusDays(1)), r("with_mirrors", D.plusDays(3)));
    assertEquals(Set.of(D.plusDays(2)), ReferenceSeries.missingDates(rows));
  }

  @Test
  void datesOutsideTheRangeAndEmptySeriesAreNotHoles() {
    assertEquals(Set.of(), ReferenceSeries.missingDates(List.of()));
    assertEquals(Set.of(), ReferenceSeries.missingDates(List.of(r("x", D), r("x", D.plusDays(1)))));
  }
}
