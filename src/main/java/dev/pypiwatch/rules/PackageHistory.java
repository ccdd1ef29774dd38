package dev.pypiwatch.rules;

import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Everything recorded for one package: a {@link DailySeries} per endpoint and category. */
final class PackageHistory {
  private final Map<Endpoint, Map<String, DailySeries>> series = new EnumMap<>(Endpoint.class);
  /** Per endpoint and date, the counts by category: the basis of shares. */
  private final Map<Endpoint, Map<LocalDate, Map<String, Long>>> days =
      new EnumMap<>(Endpoint.class);
  /** Per endpoint and date, the sum over categories: every share divides by it. */
  private final Map<Endpoint, Map<LocalDate, Long>> totals = new EnumMap<>(Endpoint.class);
  private final TreeMap<LocalDate, Boolean> dates = new TreeMap<>();

  /** Stores {@code r}; a later count for the same key replaces the earlier (a revision). */
  void put(DownloadRecord r) {
    series.computeIfAbsent(r.endpoint(), e -> new HashMap<>())
        .computeIfAbsent(r.category(), c -> new DailySeries())
        .put(r.date(), r.downloads());
    Long old = days.computeIfAbsent(r.endpoint(), e -> new HashMap<>())
        .computeIfAbsent(r.date(), d -> new HashMap<>())
        .put(r.category(), r.downloads());
    totals.computeIfAbsent(r.endpoint(), e -> new HashMap<>())
        .merge(r.date(), r.downloads() - (old == null ? 0 : old), Long::sum);
    dates.put(r.date(), Boolean.TRUE);
  }

  /** The series of {@code category} of {@code endpoint}; empty (all unknown) if never recorded. */
  DailySeries series(Endpoint endpoint, String category) {
    Map<String, DailySeries> m = series.get(endpoint);
    DailySeries s = m == null ? null : m.get(category);
    return s == null ? new DailySeries() : s;
  }

  /** The counts by category of {@code endpoint} on {@code date}; empty if the day is unknown. */
  Map<String, Long> day(Endpoint endpoint, LocalDate date) {
    Map<LocalDate, Map<String, Long>> m = days.get(endpoint);
    Map<String, Long> d = m == null ? null : m.get(date);
    return d == null ? Map.of() : d;
  }

  /** The sum of {@code endpoint}'s categories on {@code date}; 0 if the day is unknown. */
  long total(Endpoint endpoint, LocalDate date) {
    Map<LocalDate, Long> m = totals.get(endpoint);
    Long t = m == null ? null : m.get(date);
    return t == null ? 0 : t;
  }

  /** The categories ever recorded for {@code endpoint}. */
  Set<String> categories(Endpoint endpoint) {
    Map<String, DailySeries> m = series.get(endpoint);
    return m == null ? Set.of() : new HashSet<>(m.keySet());
  }

  /** The earliest recorded date of any series. */
  Optional<LocalDate> firstDate() {
    return dates.isEmpty() ? Optional.empty() : Optional.of(dates.firstKey());
  }
}
