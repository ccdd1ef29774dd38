package dev.pypiwatch.rules;

import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Everything recorded for one package: a {@link DailySeries} per endpoint and category. */
final class PackageHistory {
  private final Map<Endpoint, EndpointSeries> endpoints = new EnumMap<>(Endpoint.class);
  /** The earliest recorded epoch day, or MAX_VALUE before the first record. */
  private int firstDay = Integer.MAX_VALUE;
  /** Days before this one are forgotten ({@link #dropBefore}); a record of one is ignored. */
  private int keptFrom = Integer.MIN_VALUE;

  /**
   * Stores {@code r}; a later count for the same key replaces the earlier (a revision). A record of
   * a forgotten day is ignored: no rule looks back that far any more.
   */
  void put(DownloadRecord r) {
    int day = Math.toIntExact(r.date().toEpochDay());
    if (day < keptFrom) {
      return;
    }
    EndpointSeries e = endpoints.get(r.endpoint());
    if (e == null) {
      e = new EndpointSeries();
      endpoints.put(r.endpoint(), e);
    }
    e.put(r.category(), day, r.downloads());
    firstDay = Math.min(firstDay, day);
  }

  /** Every series recorded (its kept days), in endpoint then category order, for the changelog. */
  List<PackageState.Series> export() {
    List<PackageState.Series> out = new ArrayList<>();
    endpoints.forEach((endpoint, m) -> {
      for (int i = 0; i < m.size(); i++) {
        out.add(m.series(i).export(endpoint, m.name(i)));
      }
    });
    return out;
  }

  /**
   * A history holding {@code state}'s series, first day and forgotten days: the same counts as the
   * one exported, its caches (medians, share windows) made again when asked.
   */
  static PackageHistory restored(PackageState state) {
    PackageHistory h = new PackageHistory();
    for (PackageState.Series x : state.series()) {
      EndpointSeries m = h.endpoints.computeIfAbsent(x.endpoint(), e -> new EndpointSeries());
      m.category(x.category());
      long[] counts = x.counts();
      for (int i = 0; i < counts.length; i++) {
        if (counts[i] != DailySeries.UNKNOWN) {
          m.put(x.category(), x.firstDay() + i, counts[i]);
        }
      }
    }
    h.firstDay = state.firstDay();
    h.keptFrom = state.keptFrom();
    return h;
  }

  /** The earliest epoch day ever recorded ({@link Integer#MAX_VALUE}: none). */
  int firstDay() {
    return firstDay;
  }

  /** Days before this epoch day are forgotten ({@link Integer#MIN_VALUE}: none). */
  int keptFrom() {
    return keptFrom;
  }

  /** The series of {@code category} of {@code endpoint}; empty (all unknown) if never recorded. */
  DailySeries series(Endpoint endpoint, String category) {
    EndpointSeries m = endpoints.get(endpoint);
    DailySeries s = m == null ? null : m.of(category);
    return s == null ? new DailySeries() : s;
  }

  /** The series of {@code endpoint} and their daily sums; null if never recorded. */
  EndpointSeries endpoint(Endpoint endpoint) {
    return endpoints.get(endpoint);
  }

  /** True if some category of {@code endpoint} has a count on {@code date}. */
  boolean known(Endpoint endpoint, LocalDate date) {
    EndpointSeries m = endpoints.get(endpoint);
    return m != null && m.known(Math.toIntExact(date.toEpochDay()));
  }

  /** The categories ever recorded for {@code endpoint}. */
  Set<String> categories(Endpoint endpoint) {
    EndpointSeries m = endpoints.get(endpoint);
    return m == null ? Set.of() : new HashSet<>(m.names);
  }

  /**
   * Forgets every count before {@code day}, and ignores records of those days from now on: the
   * rule engine calls it with the oldest day its rules can still look back on.
   */
  void dropBefore(int day) {
    if (day <= keptFrom) {
      return;
    }
    keptFrom = day;
    for (EndpointSeries e : endpoints.values()) {
      e.dropBefore(day);
    }
  }

  /**
   * Bytes of the arrays held for this package (day arrays, sorted windows), from their lengths:
   * the bulk of its heap, measured without a GC.
   */
  long bytes() {
    long b = 0;
    for (EndpointSeries e : endpoints.values()) {
      b += e.bytes();
    }
    return b;
  }

  /** The earliest recorded date of any series. */
  Optional<LocalDate> firstDate() {
    return firstDay == Integer.MAX_VALUE ? Optional.empty() : Optional.of(LocalDate.ofEpochDay(firstDay));
  }

  /**
   * The series of one endpoint, in category order, and each day's sum over them (every share
   * divides by it); and the sorted shares of the share rules' baseline window.
   */
  static final class EndpointSeries {
    // Sorted by category on insertion (a new category is rare), so readers need not sort.
    private final List<String> names = new ArrayList<>();
    private final Map<String, Integer> indexes = new HashMap<>();
    private final List<DailySeries> series = new ArrayList<>();
    private final DayArray totals = new DayArray(0);
    private final ShareWindow baseline = new ShareWindow(this);
    /**
     * The index after the category last put: a day's records come in category order, so the next
     * record's category is most often this one's (a look-up by name a record was ~2 % of a
     * backtest's samples).
     */
    private int next;

    private void put(String category, int day, long downloads) {
      DailySeries s = category(category);
      long old = Math.max(0, s.at(day));
      s.put(day, downloads);
      totals.set(day, totals.get(day) + (downloads - old));
      baseline.changed(day);
    }

    /** The series of {@code category}, added (empty) if new. */
    private DailySeries category(String category) {
      int guess = next < names.size() ? next : 0;
      if (guess < names.size() && names.get(guess).equals(category)) {
        next = guess + 1;
        return series.get(guess);
      }
      int known = indexOf(category);
      if (known >= 0) {
        next = known + 1;
        return series.get(known);
      }
      DailySeries s = new DailySeries();
      int at = -Collections.binarySearch(names, category) - 1;
      names.add(at, category);
      series.add(at, s);
      for (int i = at; i < names.size(); i++) {
        indexes.put(names.get(i), i);
      }
      baseline.invalidate();
      return s;
    }

    private void dropBefore(int day) {
      totals.dropBefore(day);
      for (DailySeries s : series) {
        s.dropBefore(day);
      }
    }

    private long bytes() {
      long b = totals.bytes() + baseline.bytes();
      for (DailySeries s : series) {
        b += s.bytes();
      }
      return b;
    }

    /** How many categories were ever recorded. */
    int size() {
      return names.size();
    }

    /** The {@code i}-th category in {@link String#compareTo} order. */
    String name(int i) {
      return names.get(i);
    }

    /** The series of {@code category}; null if never recorded. */
    DailySeries of(String category) {
      int i = indexOf(category);
      return i < 0 ? null : series.get(i);
    }

    /** The index of {@code category} in {@link #name} order; negative if never recorded. */
    int indexOf(String category) {
      Integer i = indexes.get(category);
      return i == null ? -1 : i;
    }

    /**
     * The shares of the {@code i}-th category on the days of [{@code end - days + 1}, {@code end}]
     * that have downloads, ascending (the window is kept from one call to the next).
     */
    double[] sortedShares(int i, int end, int days) {
      return baseline.sorted(i, end, days, 0);
    }

    /**
     * The share window moved to the days of [{@code end - days + 1}, {@code end}] that have
     * downloads: each category's shares ascending ({@link SortedWindow#lane}, by {@link #name}
     * index), without the copy {@link #sortedShares} makes.
     */
    SortedWindow shareWindow(int end, int days) {
      baseline.moveTo(end, days, 0);
      return baseline;
    }

    /** The series of the {@code i}-th category. */
    DailySeries series(int i) {
      return series.get(i);
    }

    /** The sum of the categories on {@code day}; 0 if unknown. */
    long total(int day) {
      return totals.get(day);
    }

    /**
     * True if some category has a count on {@code day}. Asked once a day by each share rule, so
     * looked up in the series rather than kept in an array of its own.
     */
    boolean known(int day) {
      for (DailySeries s : series) {
        if (s.has(day)) {
          return true;
        }
      }
      return false;
    }
  }
}
