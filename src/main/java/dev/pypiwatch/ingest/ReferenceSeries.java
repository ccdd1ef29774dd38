package dev.pypiwatch.ingest;

import dev.pypiwatch.events.DownloadRecord;
import java.time.LocalDate;
import java.util.BitSet;
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
    TreeSet<LocalDate> missing = new TreeSet<>();
    if (records.isEmpty()) {
      return missing;
    }
    // Dates are a dense range: a bit a day, not a set of dates (this runs for every package).
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (DownloadRecord r : records) {
      first = Math.min(first, r.date().toEpochDay());
      last = Math.max(last, r.date().toEpochDay());
    }
    int span = Math.toIntExact(last - first + 1);
    BitSet present = new BitSet(span);
    for (DownloadRecord r : records) {
      present.set((int) (r.date().toEpochDay() - first));
    }
    for (int i = present.nextClearBit(0); i < span; i = present.nextClearBit(i + 1)) {
      missing.add(LocalDate.ofEpochDay(first + i));
    }
    return missing;
  }
}
