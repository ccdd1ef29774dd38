package dev.pypiwatch.ingest;

import dev.pypiwatch.events.DownloadObservation;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.RecentObservation;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Decides what one poll of one package publishes: new days and revised days of every series
 * (zero days filled in where the upstream omitted them and they are plausibly zero), the
 * {@code /recent} figures when they changed, and the state for the next poll. Pure: no I/O.
 *
 * <p>Upstream quirks handled (see the notes on the upstream and on detection): zero days have
 * no row; hole dates are missing for everybody and stay unknown; a busy package can lose a day
 * (unknown, not zero); empty answers can be transient (keep the last good data, retry); past days
 * are revised and backfilled (republish with the previous count); days leaving the window are not
 * deletions; the window may be longer than 181 days; categories come in any order.
 */
public final class PollPlanner {
  /** The endpoints decided each poll, {@code python_major} derived from {@code python_minor}. */
  static final List<Endpoint> SERIES_ENDPOINTS =
      List.of(Endpoint.OVERALL, Endpoint.PYTHON_MAJOR, Endpoint.PYTHON_MINOR, Endpoint.SYSTEM);

  private static final Comparator<DownloadObservation> PUBLICATION_ORDER =
      Comparator.comparing(o -> SeriesDay.of(
          o.record().endpoint(), o.record().category(), o.record().date()));

  /**
   * Plans the publication of one poll.
   *
   * @param pkg the PEP 503 normalized package name; every fetched record must carry it
   * @param fetched what this poll fetched
   * @param previous the state after the previous poll, {@link PollerState#EMPTY} for the first
   * @param holes dates missing upstream for everybody, or null when unknown (then none is known)
   * @param expectedNewest the newest date the upstream should have (normally yesterday UTC)
   */
  public PollResult plan(
      String pkg,
      PackageSnapshot fetched,
      PollerState previous,
      Set<LocalDate> holes,
      LocalDate expectedNewest) {
    Objects.requireNonNull(pkg, "pkg");
    Objects.requireNonNull(expectedNewest, "expectedNewest");
    Run run = new Run(pkg, fetched, previous, holes == null ? Set.of() : Set.copyOf(holes));
    boolean allCurrent = true;
    for (Endpoint endpoint : SERIES_ENDPOINTS) {
      allCurrent &= run.endpoint(endpoint, expectedNewest);
    }
    boolean fresh = allCurrent && !run.transientEmpty;
    if (fresh) {
      run.next.lastSuccessfulPoll(fetched.fetchedAt());
    }
    Optional<RecentObservation> recent = run.recent();
    run.observations.sort(PUBLICATION_ORDER);
    run.unknown.sort(Comparator.naturalOrder());
    return new PollResult(run.observations, recent, run.next.build(), fresh, run.transientEmpty,
        run.holesSkipped, run.unknown, run.warnings);
  }

  /** The answer of {@code endpoint} in {@code fetched}; {@code python_major} is derived. */
  static Optional<FetchedSeries> answer(PackageSnapshot fetched, Endpoint endpoint) {
    if (endpoint == Endpoint.PYTHON_MAJOR) {
      return fetched.get(Endpoint.PYTHON_MINOR).map(PythonMajors::derive);
    }
    return fetched.get(endpoint);
  }

  /** The mutable working set of one {@link #plan} call. */
  private static final class Run {
    final String pkg;
    final PackageSnapshot fetched;
    final PollerState previous;
    final Set<LocalDate> holes;
    final PollerState.Builder next;
    final List<DownloadObservation> observations = new ArrayList<>();
    final List<SeriesDay> unknown = new ArrayList<>();
    final SortedSet<LocalDate> holesSkipped = new TreeSet<>();
    final List<String> warnings = new ArrayList<>();
    boolean transientEmpty;
    String overallSource;

    Run(String pkg, PackageSnapshot fetched, PollerState previous, Set<LocalDate> holes) {
      this.pkg = pkg;
      this.fetched = fetched;
      this.previous = previous;
      this.holes = holes;
      this.next = previous.toBuilder();
    }

    /** Handles one endpoint; true when its data is current (reaches the expected date). */
    boolean endpoint(Endpoint endpoint, LocalDate expectedNewest) {
      Optional<FetchedSeries> answer = answer(fetched, endpoint).filter(a -> !a.isEmpty());
      if (answer.isEmpty()) {
        noAnswer(endpoint);
        return false;
      }
      requirePackage(answer.get().records());
      next.answered(endpoint);
      EndpointDecisions d = EndpointDecisions.decide(endpoint, answer.get().records(), holes);
      d.decisions.forEach(decision -> publish(decision, answer.get().source()));
      unknown.addAll(d.unknown);
      holesSkipped.addAll(d.holesSkipped);
      warnings.addAll(d.warnings);
      if (endpoint == Endpoint.OVERALL) {
        overallSource = answer.get().source();
      }
      return isCurrent(d, expectedNewest);
    }

    private void noAnswer(Endpoint endpoint) {
      if (previous.hasData(endpoint)) {
        // A transient empty 200 for a package with data: keep the last good data, never zeros.
        transientEmpty = true;
        next.transientEmpty(endpoint);
        warnings.add(endpoint + ": empty answer, previous data kept ("
            + (previous.transientEmpties(endpoint) + 1) + " in a row)");
      } else {
        warnings.add(endpoint + ": no data");
      }
    }

    private void publish(EndpointDecisions.Decision decision, String source) {
      SeriesDay day = decision.day();
      Long before = previous.published(day).orElse(null);
      if (before != null && before == decision.downloads()) {
        return; // published before with the same count: nothing new
      }
      DownloadRecord record = new DownloadRecord(pkg, day.series().endpoint(),
          day.series().category(), day.date(), decision.downloads());
      observations.add(new DownloadObservation(
          record, decision.origin(), before, fetched.fetchedAt(), source));
      next.put(day, decision.downloads());
    }

    private boolean isCurrent(EndpointDecisions d, LocalDate expectedNewest) {
      LocalDate newest = d.newest();
      if (newest == null) {
        return false;
      }
      boolean current = !newest.isBefore(expectedNewest)
          || onlyHolesBetween(newest, expectedNewest)
          // a small package's missing newest day is probably a zero day, filled on the next poll
          || d.isZeroAfterRange();
      if (!current) {
        warnings.add(d.endpoint + ": newest date " + newest + ", expected " + expectedNewest);
      }
      return current;
    }

    private boolean onlyHolesBetween(LocalDate newest, LocalDate expectedNewest) {
      return newest.plusDays(1).datesUntil(expectedNewest.plusDays(1)).allMatch(holes::contains);
    }

    private void requirePackage(List<DownloadRecord> records) {
      for (DownloadRecord r : records) {
        if (!r.packageName().equals(pkg)) {
          throw new IllegalArgumentException("record of " + r.packageName() + " in a poll of " + pkg);
        }
      }
    }

    Optional<RecentObservation> recent() {
      if (overallSource == null) {
        return Optional.empty(); // overall not answered: its figures cannot have changed
      }
      PollerState state = next.build();
      Optional<PublishedRecent> figures = RecentFigures.of(state);
      if (figures.isEmpty() || figures.equals(previous.lastRecent())) {
        return Optional.empty();
      }
      next.lastRecent(figures.get());
      return Optional.of(new RecentObservation(figures.get().toRecentDownloads(pkg),
          figures.get().asOf(), fetched.fetchedAt(), overallSource));
    }
  }
}
