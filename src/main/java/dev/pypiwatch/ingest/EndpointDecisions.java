package dev.pypiwatch.ingest;

import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.Origin;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one endpoint's (non-empty) answer says about each (category, date) of its covered range:
 * a reported count, a zero (the upstream omits zero days), or unknown.
 *
 * <p>Covered range = first..last date with a row in this answer, hole dates not counted. Days
 * outside it say nothing (older ones fell out of the 180-day window, newer ones are not there
 * yet). Categories = those with a row in this answer: one absent from the whole answer is not
 * read as zeros. Per missing (category, date):
 *
 * <ul>
 *   <li>a hole date (missing for everybody) is skipped, even if this answer has rows on it;
 *   <li>a date with no row in any category (the package lost the whole day, or had no downloads)
 *       is zero for every category when the endpoint total's level is small, else unknown;
 *   <li>otherwise the category's own level decides (a category new mid-window is zero before its
 *       first row when its level there is small: a new Python version had no downloads before).
 * </ul>
 */
final class EndpointDecisions {
  /** A decided day: reported or zero-filled. */
  record Decision(SeriesDay day, long downloads, Origin origin) {}

  final Endpoint endpoint;
  final List<Decision> decisions = new ArrayList<>();
  final List<SeriesDay> unknown = new ArrayList<>();
  final SortedSet<LocalDate> holesSkipped = new TreeSet<>();
  final List<String> warnings = new ArrayList<>();
  private final Map<String, Map<LocalDate, Long>> rows = new TreeMap<>();
  private final Map<LocalDate, Long> totals = new TreeMap<>();
  private final Set<LocalDate> holes;
  private LocalDate from;
  private LocalDate to;

  private EndpointDecisions(Endpoint endpoint, Set<LocalDate> holes) {
    this.endpoint = endpoint;
    this.holes = holes;
  }

  /** Decides every day of {@code records}' covered range; {@code holes} may be empty. */
  static EndpointDecisions decide(Endpoint endpoint, List<DownloadRecord> records, Set<LocalDate> holes) {
    EndpointDecisions d = new EndpointDecisions(endpoint, holes);
    d.index(records);
    if (d.from != null) {
      for (LocalDate day = d.from; !day.isAfter(d.to); day = day.plusDays(1)) {
        d.decideDay(day);
      }
    }
    return d;
  }

  /** The last date of the covered range; null when every row was on a hole date. */
  LocalDate newest() {
    return to;
  }

  /** True when a day after the range would be zero: a missing newest day is plausibly zero. */
  boolean isZeroAfterRange() {
    return to != null && MissingDayRule.isZero(totals, to.plusDays(1), from, to, holes);
  }

  private void index(List<DownloadRecord> records) {
    SortedSet<LocalDate> ignored = new TreeSet<>();
    for (DownloadRecord r : records) {
      if (holes.contains(r.date())) {
        ignored.add(r.date());
        continue;
      }
      Map<LocalDate, Long> counts = rows.computeIfAbsent(r.category(), c -> new TreeMap<>());
      if (counts.containsKey(r.date())) {
        // Two raw spellings normalized to one category (e.g. None and "null"): one category.
        warnings.add(endpoint + ": two rows for " + r.category() + " on " + r.date() + ", summed");
      }
      counts.merge(r.date(), r.downloads(), Math::addExact);
      totals.merge(r.date(), r.downloads(), Math::addExact);
      from = from == null || r.date().isBefore(from) ? r.date() : from;
      to = to == null || r.date().isAfter(to) ? r.date() : to;
    }
    if (!ignored.isEmpty()) {
      warnings.add(endpoint + ": rows on hole dates ignored: " + ignored);
    }
  }

  private void decideDay(LocalDate day) {
    if (holes.contains(day)) {
      holesSkipped.add(day); // never zero-fill a hole: it is unknown for every package
      return;
    }
    boolean wholeDayMissing = !totals.containsKey(day);
    boolean wholeDayZero =
        wholeDayMissing && MissingDayRule.isZero(totals, day, from, to, holes);
    rows.forEach((category, counts) -> {
      SeriesDay sd = SeriesDay.of(endpoint, category, day);
      Long n = counts.get(day);
      if (n != null) {
        decisions.add(new Decision(sd, n, Origin.REPORTED));
      } else if (wholeDayMissing ? wholeDayZero : MissingDayRule.isZero(counts, day, from, to, holes)) {
        decisions.add(new Decision(sd, 0, Origin.ZERO_FILLED));
      } else {
        unknown.add(sd);
      }
    });
  }
}
