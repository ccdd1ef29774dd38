package dev.pypiwatch.ingest;

import dev.pypiwatch.events.DownloadObservation;
import dev.pypiwatch.events.RecentObservation;
import java.time.LocalDate;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What one poll of one package decided: what to publish, the state to store, and diagnostics.
 *
 * @param observations new days and revised days, sorted by endpoint, category, date
 * @param recent the {@code /recent} figures, present only when they changed
 * @param state the state to store for the next poll
 * @param fresh every endpoint answered, none transiently empty, and each reaches the expected
 *     newest date (or the days it lacks are holes or plausibly zero-download days)
 * @param transientEmpty some endpoint answered empty although it had data: retry later
 * @param holesSkipped hole dates inside a covered range, for which nothing was published
 * @param unknownDays missing days judged unknown (too busy to be zero), sorted
 * @param warnings human-readable notes (lag, duplicate rows, rows on hole dates, no data)
 */
public record PollResult(
    List<DownloadObservation> observations,
    Optional<RecentObservation> recent,
    PollerState state,
    boolean fresh,
    boolean transientEmpty,
    SortedSet<LocalDate> holesSkipped,
    List<SeriesDay> unknownDays,
    List<String> warnings) {

  public PollResult {
    observations = List.copyOf(observations);
    Objects.requireNonNull(recent, "recent");
    Objects.requireNonNull(state, "state");
    holesSkipped = Collections.unmodifiableSortedSet(new TreeSet<>(holesSkipped));
    unknownDays = List.copyOf(unknownDays);
    warnings = List.copyOf(warnings);
  }

  /** The dates on which at least one series was unknown. */
  public SortedSet<LocalDate> unknownDates() {
    TreeSet<LocalDate> dates = new TreeSet<>();
    unknownDays.forEach(d -> dates.add(d.date()));
    return Collections.unmodifiableSortedSet(dates);
  }
}
