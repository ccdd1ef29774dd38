package dev.pypiwatch.ingest;

import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.Origin;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
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
  private final Set<LocalDate> holes;
  private LocalDate from;
  private LocalDate to;
  // Dates are a dense range, so counts live in arrays indexed by day - from (every poll and every
  // backtest decides every day of every series: maps keyed by date were its main cost).
  private String[] categories = new String[0];
  private DayCounts[] rows = new DayCounts[0];
  private DayCounts totals;

  private EndpointDecisions(Endpoint endpoint, Set<LocalDate> holes) {
    this.endpoint = endpoint;
    this.holes = holes;
  }

  /** Decides every day of {@code records}' covered range; {@code holes} may be empty. */
  static EndpointDecisions decide(Endpoint endpoint, List<DownloadRecord> records, Set<LocalDate> holes) {
    EndpointDecisions d = new EndpointDecisions(endpoint, holes);
    d.index(records);
    if (d.from != null) {
      SeriesKey[] keys = new SeriesKey[d.categories.length];
      for (int c = 0; c < keys.length; c++) {
        keys[c] = new SeriesKey(endpoint, d.categories[c]);
      }
      int i = 0;
      for (LocalDate day = d.from; !day.isAfter(d.to); day = day.plusDays(1)) {
        d.decideDay(day, i++, keys);
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
    // First the covered range and the categories, then the counts.
    Map<String, Integer> index = new HashMap<>();
    String last = null;
    for (DownloadRecord r : records) {
      if (holes.contains(r.date())) {
        continue;
      }
      from = from == null || r.date().isBefore(from) ? r.date() : from;
      to = to == null || r.date().isAfter(to) ? r.date() : to;
      if (!r.category().equals(last)) { // rows come grouped by category
        last = r.category();
        index.putIfAbsent(last, 0);
      }
    }
    categories = index.keySet().toArray(new String[0]);
    Arrays.sort(categories);
    for (int c = 0; c < categories.length; c++) {
      index.put(categories[c], c);
    }
    int days = from == null ? 0 : Math.toIntExact(ChronoUnit.DAYS.between(from, to) + 1);
    rows = new DayCounts[categories.length];
    for (int c = 0; c < rows.length; c++) {
      rows[c] = new DayCounts(from, days);
    }
    totals = new DayCounts(from, days);
    SortedSet<LocalDate> ignored = new TreeSet<>();
    long first = from == null ? 0 : from.toEpochDay();
    for (DownloadRecord r : records) {
      if (holes.contains(r.date())) {
        ignored.add(r.date());
        continue;
      }
      int day = (int) (r.date().toEpochDay() - first);
      DayCounts counts = rows[index.get(r.category())];
      if (counts.has(day)) {
        // Two raw spellings normalized to one category (e.g. None and "null"): one category.
        warnings.add(endpoint + ": two rows for " + r.category() + " on " + r.date() + ", summed");
      }
      counts.add(day, r.downloads());
      totals.add(day, r.downloads());
    }
    if (!ignored.isEmpty()) {
      warnings.add(endpoint + ": rows on hole dates ignored: " + ignored);
    }
  }

  private void decideDay(LocalDate day, int i, SeriesKey[] keys) {
    if (holes.contains(day)) {
      holesSkipped.add(day); // never zero-fill a hole: it is unknown for every package
      return;
    }
    boolean wholeDayMissing = !totals.has(i);
    boolean wholeDayZero =
        wholeDayMissing && MissingDayRule.isZero(totals, day, from, to, holes);
    for (int c = 0; c < categories.length; c++) {
      SeriesDay sd = new SeriesDay(keys[c], day);
      DayCounts counts = rows[c];
      if (counts.has(i)) {
        decisions.add(new Decision(sd, counts.at(i), Origin.REPORTED));
      } else if (wholeDayMissing ? wholeDayZero : MissingDayRule.isZero(counts, day, from, to, holes)) {
        decisions.add(new Decision(sd, 0, Origin.ZERO_FILLED));
      } else {
        unknown.add(sd);
      }
    }
  }

  /**
   * One series' counts over the covered range (day {@code i} is {@code from + i}), also seen as
   * the map by date that {@link MissingDayRule} reads.
   */
  private static final class DayCounts extends AbstractMap<LocalDate, Long> {
    private static final long ABSENT = -1; // counts are never negative
    private final LocalDate from;
    private final long[] counts;

    DayCounts(LocalDate from, int days) {
      this.from = from;
      this.counts = new long[days];
      Arrays.fill(counts, ABSENT);
    }

    boolean has(int i) {
      return counts[i] != ABSENT;
    }

    long at(int i) {
      return counts[i];
    }

    void add(int i, long n) {
      counts[i] = counts[i] == ABSENT ? n : Math.addExact(counts[i], n);
    }

    private int indexOf(Object date) {
      if (!(date instanceof LocalDate d) || from == null) {
        return -1;
      }
      long i = d.toEpochDay() - from.toEpochDay();
      return i >= 0 && i < counts.length && counts[(int) i] != ABSENT ? (int) i : -1;
    }

    @Override
    public Long get(Object date) {
      int i = indexOf(date);
      return i < 0 ? null : counts[i];
    }

    @Override
    public boolean containsKey(Object date) {
      return indexOf(date) >= 0;
    }

    @Override
    public Set<Entry<LocalDate, Long>> entrySet() {
      Map<LocalDate, Long> present = new LinkedHashMap<>();
      for (int i = 0; i < counts.length; i++) {
        if (counts[i] != ABSENT) {
          present.put(from.plusDays(i), counts[i]);
        }
      }
      return Collections.unmodifiableMap(present).entrySet();
    }
  }
}
