package dev.pypiwatch.ingest;

import dev.pypiwatch.events.DownloadRecord;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds upstream holes: dates inside a series' covered range that have no row at all.
 *
 * <p>Applied to a reference that has downloads every day (the ecosystem total {@code __all__}), a
 * missing date is missing for everybody, never backfilled (2023-01-24, 2024-10-25, 2025-02-11),
 * and must stay unknown. Applied to one package's {@code overall} (when no reference is
 * available), it marks the days that package lacks entirely: the conservative choice, since such a
 * day could be a hole; it is published as a zero later if a reference then shows it was not one.
 */
public final class ReferenceSeries {
  private ReferenceSeries() {}

  /** The dates between the first and last date of {@code records} that have no record. */
  public static Set<LocalDate> missingDates(Collection<DownloadRecord> records) {
    TreeSet<LocalDate> present = new TreeSet<>();
    records.forEach(r -> present.add(r.date()));
    TreeSet<LocalDate> missing = new TreeSet<>();
    if (present.isEmpty()) {
      return missing;
    }
    for (LocalDate d = present.first(); d.isBefore(present.last()); d = d.plusDays(1)) {
      if (!present.contains(d)) {
        missing.add(d);
      }
    }
    return missing;
  }
}
