package dev.pypiwatch.ingest;

import static dev.pypiwatch.events.Categories.UNKNOWN;
import static dev.pypiwatch.events.Categories.WITHOUT_MIRRORS;
import static dev.pypiwatch.events.Categories.WITH_MIRRORS;

import dev.pypiwatch.events.DownloadObservation;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.Origin;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.IntToLongFunction;

/** Named fixture packages and helpers for the poller tests. */
final class PollTesting {
  static final LocalDate START = LocalDate.of(2025, 1, 1);
  static final Instant FETCHED_AT = Instant.parse("2025-07-01T02:00:00Z");
  static final Instant NEXT_FETCH = Instant.parse("2025-07-02T02:00:00Z");
  static final PollPlanner PLANNER = new PollPlanner();

  private PollTesting() {}

  /** Day {@code i} of the fixtures (day 0 = {@link #START}). */
  static LocalDate day(int i) {
    return START.plusDays(i);
  }

  static String url(String pkg, Endpoint endpoint) {
    return "https://pypistats.org/api/packages/" + pkg + "/" + endpoint.path();
  }

  /**
   * A package's true daily counts per series, served over days [{@code from}, {@code to}]: a 0 is
   * a zero-download day, which the upstream sends no row for. {@code python_major} is not stored:
   * {@link #count} sums the minors, as the upstream does.
   */
  record Fixture(String pkg, int from, int to, Map<SeriesKey, IntToLongFunction> series,
      Map<SeriesDay, Long> overrides) {

    /** The same package served over days [{@code first}, {@code last}]. */
    Fixture days(int first, int last) {
      return new Fixture(pkg, first, last, series, overrides);
    }

    /** The same package with {@code n} downloads (0: no row) on day {@code i} of one series. */
    Fixture with(Endpoint endpoint, String category, int i, long n) {
      Map<SeriesDay, Long> copy = new HashMap<>(overrides);
      copy.put(SeriesDay.of(endpoint, category, day(i)), n);
      return new Fixture(pkg, from, to, series, copy);
    }

    /** The same package with no row at all on day {@code i} (a lost day or a hole). */
    Fixture withoutDay(int i) {
      Fixture f = this;
      for (SeriesKey k : series.keySet()) {
        f = f.with(k.endpoint(), k.category(), i, 0);
      }
      return f;
    }

    /** The true count of a series on day {@code i}, majors summed from minors. */
    long count(SeriesKey key, int i) {
      if (key.endpoint() == Endpoint.PYTHON_MAJOR) {
        return series.keySet().stream()
            .filter(k -> k.endpoint() == Endpoint.PYTHON_MINOR)
            .filter(k -> PythonMajors.majorOf(k.category()).equals(key.category()))
            .mapToLong(k -> count(k, i))
            .sum();
      }
      Long o = overrides.get(new SeriesDay(key, day(i)));
      return o != null ? o : series.get(key).applyAsLong(i);
    }

    /** Every series the planner decides, majors included, sorted. */
    List<SeriesKey> allKeys() {
      List<SeriesKey> keys = new ArrayList<>(series.keySet());
      series.keySet().stream()
          .filter(k -> k.endpoint() == Endpoint.PYTHON_MINOR)
          .map(k -> new SeriesKey(Endpoint.PYTHON_MAJOR, PythonMajors.majorOf(k.category())))
          .distinct()
          .forEach(keys::add);
      Collections.sort(keys);
      return keys;
    }

    /** What the upstream answers: one row per non-zero (series, day). */
    PackageSnapshot snapshot(Instant at) {
      PackageSnapshot s = PackageSnapshot.at(at);
      for (Endpoint e : List.of(Endpoint.OVERALL, Endpoint.PYTHON_MINOR, Endpoint.SYSTEM)) {
        List<DownloadRecord> rows = new ArrayList<>();
        for (SeriesKey k : series.keySet()) {
          for (int i = from; i <= to && k.endpoint() == e; i++) {
            long n = count(k, i);
            if (n > 0) {
              rows.add(new DownloadRecord(pkg, e, k.category(), day(i), n));
            }
          }
        }
        s = s.with(e, url(pkg, e), rows);
      }
      return s;
    }

    PackageSnapshot snapshot() {
      return snapshot(FETCHED_AT);
    }

    /** The observations a first publication of day {@code i} makes (all counts, zeros filled). */
    List<DownloadObservation> firstPublicationOfDay(int i, Instant at) {
      List<DownloadObservation> out = new ArrayList<>();
      for (SeriesKey k : allKeys()) {
        long n = count(k, i);
        out.add(observation(pkg, k.endpoint(), k.category(), i, n,
            n == 0 ? Origin.ZERO_FILLED : Origin.REPORTED, null, at));
      }
      return out;
    }
  }

  /** A ~45k/day package over 181 days; {@code 2.7} and {@code other} are small with zero days,
   * {@code 3.14} appears busy on day 170. */
  static final Fixture BUSY_PACKAGE_180_DAYS = new Fixture("busy-pkg", 0, 180, busySeries(), Map.of());

  /** A 1-3/day package over 181 days with zero days: every 4th day has no row at all. */
  static final Fixture TINY_PACKAGE_WITH_ZERO_DAYS =
      new Fixture("tiny-pkg", 0, 180, tinySeries(), Map.of());

  private static Map<SeriesKey, IntToLongFunction> busySeries() {
    Map<SeriesKey, IntToLongFunction> m = new LinkedHashMap<>();
    IntToLongFunction without = i -> 30_000 + (isWeekday(i) ? 10_000 : 0) + 17L * i;
    m.put(key(Endpoint.OVERALL, WITHOUT_MIRRORS), without);
    m.put(key(Endpoint.OVERALL, WITH_MIRRORS), i -> without.applyAsLong(i) + 3_000 + i % 5 * 100);
    m.put(key(Endpoint.PYTHON_MINOR, "3.12"), i -> 12_000 + 7L * i);
    m.put(key(Endpoint.PYTHON_MINOR, "3.11"), i -> 9_000 + i % 7 * 50);
    m.put(key(Endpoint.PYTHON_MINOR, "3.13"), i -> 4_000 + 20L * i);
    m.put(key(Endpoint.PYTHON_MINOR, "3.14"), i -> i >= 170 ? 500 + i : 0);
    m.put(key(Endpoint.PYTHON_MINOR, "2.7"), i -> i % 3 == 0 ? 0 : 2);
    m.put(key(Endpoint.PYTHON_MINOR, UNKNOWN), i -> 800 + i % 11);
    m.put(key(Endpoint.SYSTEM, "linux"), i -> 20_000 + 13L * i);
    m.put(key(Endpoint.SYSTEM, "windows"), i -> 4_000 + i % 9 * 10);
    m.put(key(Endpoint.SYSTEM, "darwin"), i -> 2_500);
    m.put(key(Endpoint.SYSTEM, "other"), i -> i % 4 == 0 ? 1 : 0);
    m.put(key(Endpoint.SYSTEM, UNKNOWN), i -> 300 + i % 13);
    return m;
  }

  private static Map<SeriesKey, IntToLongFunction> tinySeries() {
    Map<SeriesKey, IntToLongFunction> m = new LinkedHashMap<>();
    IntToLongFunction without = i -> i % 4 == 0 ? 0 : 1 + i % 3;
    m.put(key(Endpoint.OVERALL, WITHOUT_MIRRORS), without);
    m.put(key(Endpoint.OVERALL, WITH_MIRRORS), i -> i % 4 == 0 ? 0 : without.applyAsLong(i) + i % 2);
    m.put(key(Endpoint.PYTHON_MINOR, "3.12"), without);
    m.put(key(Endpoint.PYTHON_MINOR, UNKNOWN), i -> i % 4 != 0 && i % 5 == 0 ? 1 : 0);
    m.put(key(Endpoint.SYSTEM, "linux"), without);
    m.put(key(Endpoint.SYSTEM, "windows"), i -> i % 4 != 0 && i % 6 == 1 ? 1 : 0);
    return m;
  }

  private static boolean isWeekday(int i) {
    DayOfWeek d = day(i).getDayOfWeek();
    return d != DayOfWeek.SATURDAY && d != DayOfWeek.SUNDAY;
  }

  static SeriesKey key(Endpoint endpoint, String category) {
    return new SeriesKey(endpoint, category);
  }

  static DownloadObservation observation(String pkg, Endpoint e, String category, int i, long n,
      Origin origin, Long previous, Instant at) {
    // Majors are derived from python_minor, so they carry its URL.
    Endpoint fetched = e == Endpoint.PYTHON_MAJOR ? Endpoint.PYTHON_MINOR : e;
    return new DownloadObservation(
        new DownloadRecord(pkg, e, category, day(i), n), origin, previous, at, url(pkg, fetched));
  }

  /**
   * Observations written as a table, one per line: {@code endpoint category day count origin
   * [previous]}, origin {@code R} (reported) or {@code Z} (zero-filled).
   */
  static List<DownloadObservation> table(String pkg, Instant at, String... lines) {
    List<DownloadObservation> out = new ArrayList<>();
    for (String line : lines) {
      String[] f = line.trim().split("\\s+");
      Endpoint e = Endpoint.fromPath(f[0]).orElseThrow();
      Origin origin = f[4].equals("Z") ? Origin.ZERO_FILLED : Origin.REPORTED;
      Long previous = f.length > 5 ? Long.valueOf(f[5]) : null;
      out.add(observation(pkg, e, f[1], Integer.parseInt(f[2]), Long.parseLong(f[3]), origin,
          previous, at));
    }
    return out;
  }

  /** A copy of {@code s} with every endpoint's rows in a random order. */
  static PackageSnapshot shuffled(PackageSnapshot s, long seed) {
    Random random = new Random(seed);
    PackageSnapshot out = PackageSnapshot.at(s.fetchedAt());
    for (var e : s.series().entrySet()) {
      List<DownloadRecord> rows = new ArrayList<>(e.getValue().records());
      Collections.shuffle(rows, random);
      out = out.with(e.getKey(), e.getValue().source(), rows);
    }
    return out;
  }

  /** The first poll of {@code f} (empty state, no holes, expecting its last day). */
  static PollResult firstPoll(Fixture f) {
    return PLANNER.plan(f.pkg(), f.snapshot(), PollerState.EMPTY, Set.of(), day(f.to()));
  }
}
