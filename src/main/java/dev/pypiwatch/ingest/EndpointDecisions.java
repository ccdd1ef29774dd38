package dev.pypiwatch.ingest;

import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.Origin;
import java.time.LocalDate;
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

  /** The day of a row on a hole date. */
  private static final long NONE = Long.MIN_VALUE;

  final Endpoint endpoint;
  final ArrayList<Decision> decisions = new ArrayList<>();
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
      // At most one decision a category a day: sized once (growing it was a copy after copy).
      d.decisions.ensureCapacity(d.categories.length * d.totals.days());
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

  private void index(List<DownloadRecord> list) {
    // Each row's day (NONE on a hole date), the covered range and the categories, then the counts,
    // in simple loops over an array: one loop doing it all over a list was recompiled by the JIT
    // again and again (its profile-based guesses failed from one answer to the next).
    DownloadRecord[] records = list.toArray(new DownloadRecord[0]);
    int n = records.length;
    long[] days = new long[n];
    for (int i = 0; i < n; i++) {
      days[i] = records[i].date().toEpochDay();
    }
    if (!holes.isEmpty()) {
      for (int i = 0; i < n; i++) {
        days[i] = holes.contains(records[i].date()) ? NONE : days[i];
      }
    }
    long first = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    for (long d : days) {
      first = d == NONE ? first : Math.min(first, d);
      end = Math.max(end, d);
    }
    if (first > end) {
      warnIgnored(list);
      return;
    }
    from = LocalDate.ofEpochDay(first);
    to = LocalDate.ofEpochDay(end);
    int[] category = categories(records, days);
    int span = Math.toIntExact(end - first + 1);
    rows = new DayCounts[categories.length];
    for (int k = 0; k < rows.length; k++) {
      rows[k] = new DayCounts(from, span);
    }
    totals = new DayCounts(from, span);
    for (int i = 0; i < n; i++) {
      if (days[i] != NONE) {
        count(records[i], rows[category[i]], (int) (days[i] - first));
      }
    }
    warnIgnored(list);
  }

  /** Sets the sorted categories of the rows not on hole dates; returns each row's index in them. */
  private int[] categories(DownloadRecord[] records, long[] days) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < days.length; i++) {
      if (days[i] != NONE) {
        index.putIfAbsent(records[i].category(), 0);
      }
    }
    categories = index.keySet().toArray(new String[0]);
    Arrays.sort(categories); // the decisions of a day come by category
    for (int k = 0; k < categories.length; k++) {
      index.put(categories[k], k);
    }
    int[] category = new int[days.length];
    for (int i = 0; i < days.length; i++) {
      category[i] = days[i] == NONE ? -1 : index.get(records[i].category());
    }
    return category;
  }

  private void count(DownloadRecord r, DayCounts counts, int day) {
    if (counts.has(day)) {
      // Two raw spellings normalized to one category (e.g. None and "null"): one category.
      warnings.add(endpoint + ": two rows for " + r.category() + " on " + r.date() + ", summed");
    }
    counts.add(day, r.downloads());
    totals.add(day, r.downloads());
  }

  private void warnIgnored(List<DownloadRecord> records) {
    if (holes.isEmpty()) {
      return;
    }
    SortedSet<LocalDate> ignored = new TreeSet<>();
    for (DownloadRecord r : records) {
      if (holes.contains(r.date())) {
        ignored.add(r.date());
      }
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

    /** The days of the range. */
    int days() {
      return counts.length;
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
