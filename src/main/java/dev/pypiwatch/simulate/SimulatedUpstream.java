package dev.pypiwatch.simulate;

import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.PackageName;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A deterministic day-by-day simulation of the PyPI Stats upstream: packages with {@link Profile}s,
 * a simulated "today", the upstream's quirks, and the answers the real server would give
 * ({@link #answer}); served over HTTP by {@link SimulatorServer}.
 *
 * <pre>{@code
 * SimulatedUpstream sim = new SimulatedUpstream(42)
 *     .addPackage("busy", Profile.busy(20_000))
 *     .addPackage("tiny", Profile.tiny(3));
 * sim.hole(LocalDate.of(2025, 2, 11));
 * sim.setToday(LocalDate.of(2025, 7, 1));      // serves [2024-12-31, 2025-06-30] minus the hole
 * ... poll ...
 * assertEquals(sim.count("busy", Endpoint.SYSTEM, "Linux", day), published);
 * }</pre>
 *
 * <p>Counts are a function of (seed, package, date): one split per day into
 * {@code without_mirrors}, python minors and systems, from which {@code python_major} and
 * {@code with_mirrors} (= without + mirror traffic) are derived, so every endpoint agrees. Zero
 * counts have no row, as upstream. The reference package {@link #ALL} is the sum of every served
 * package plus {@link #ALL_BASE} a day, so it has every day that is not a {@link #hole}.
 *
 * <p>Every change shows in the next answer and stays for later days. Thread-safe: a server thread
 * answers while a test or the clock API changes the state.
 */
public final class SimulatedUpstream implements Upstream {
  /** The upstream's name of the ecosystem totals. */
  public static final String ALL = "__all__";

  /** The downloads a day of {@link #ALL} on top of the simulated packages (without mirrors). */
  public static final long ALL_BASE = 50_000_000L;

  /**
   * The number of days the real server keeps: 181, i.e. [today-181, today-1] (the real
   * {@code *_system.json} fixtures fetched 2026-04-07 span 2025-10-08..2026-04-06).
   */
  public static final int DEFAULT_WINDOW_DAYS = 181;

  private final long seed;
  private final Map<String, SimulatedPackage> packages = new LinkedHashMap<>();
  private final SimulatedPackage allBase;
  private final Set<String> unknown = new LinkedHashSet<>();
  private final Set<LocalDate> holes = new TreeSet<>();
  private final Map<String, Set<LocalDate>> drops = new TreeMap<>();
  private final Map<String, Integer> transientEmpties = new HashMap<>();
  // Served days of ALL and unfiltered bodies; cleared on every change (every change goes through changed()).
  private final Map<LocalDate, SimulatedDay> allCache = new HashMap<>();
  private final Map<String, String> bodyCache = new HashMap<>();
  private LocalDate today;
  private int lag;
  private int windowDays = DEFAULT_WINDOW_DAYS;
  private boolean shuffle;

  /** A simulation without packages; nothing is served before {@link #setToday}. */
  public SimulatedUpstream(long seed) {
    this.seed = seed;
    this.allBase = new SimulatedPackage(ALL, Profile.constant(ALL_BASE).withMirrors(0.02, 0.02), seed);
  }

  /** The {@code /recent} figures: newest published day, 7 and 30 newest days (holes count 0). */
  public record Recent(long lastDay, long lastWeek, long lastMonth) {}

  // ---------------------------------------------------------------- set-up and time

  /** Adds a package (names are PEP 503 normalized). */
  public synchronized SimulatedUpstream addPackage(String name, Profile profile) {
    String key = key(name);
    if (key.equals(ALL) || packages.containsKey(key) || unknown.contains(key)) {
      throw new IllegalArgumentException("package already simulated: " + name);
    }
    packages.put(key, new SimulatedPackage(key, Objects.requireNonNull(profile), seed));
    return changed();
  }

  /**
   * Makes {@code today} the current day: every endpoint of every package (and of {@link #ALL})
   * serves {@link #publishedDates()}: the {@link #DEFAULT_WINDOW_DAYS 181} days
   * [today-181, today-1] by default.
   */
  public synchronized SimulatedUpstream setToday(LocalDate today) {
    this.today = Objects.requireNonNull(today, "today");
    return changed();
  }

  /** {@link #setToday} with the day after the current one. */
  public synchronized SimulatedUpstream nextDay() {
    return setToday(requireToday().plusDays(1));
  }

  @Override
  public synchronized LocalDate today() {
    return today;
  }

  @Override
  public synchronized void advance(int days) {
    if (days < 0) {
      throw new IllegalArgumentException("days must be >= 0: " + days);
    }
    setToday(requireToday().plusDays(days));
  }

  /** The upstream is {@code days} late: the newest published day is today-1-days; the window moves too. */
  public synchronized SimulatedUpstream lag(int days) {
    if (days < 0) {
      throw new IllegalArgumentException("lag must be >= 0: " + days);
    }
    this.lag = days;
    return changed();
  }

  /** Serves {@code days} days (181 upstream) ending at the newest published day. */
  public synchronized SimulatedUpstream windowDays(int days) {
    if (days < 1) {
      throw new IllegalArgumentException("windowDays must be >= 1: " + days);
    }
    this.windowDays = days;
    return changed();
  }

  // ---------------------------------------------------------------- quirks

  /** {@code date} is missing for every package and {@link #ALL}, forever. */
  public synchronized SimulatedUpstream hole(LocalDate date) {
    holes.add(Objects.requireNonNull(date));
    return changed();
  }

  /** {@code pkg} loses {@code date} in every endpoint, forever (other packages keep it). */
  public synchronized SimulatedUpstream dropDay(String pkg, LocalDate date) {
    drops.computeIfAbsent(known(pkg).name(), k -> new TreeSet<>()).add(Objects.requireNonNull(date));
    return changed();
  }

  /**
   * The next {@code times} answers of {@code pkg}'s {@code endpoint} are 200 with empty data
   * (for {@code recent}: all figures 0), then the normal body again.
   */
  public synchronized SimulatedUpstream transientEmpty(String pkg, Endpoint endpoint, int times) {
    transientEmpties.merge(path(key(pkg), endpoint), times, Integer::sum);
    return this;
  }

  /** {@link #transientEmpty(String, Endpoint, int)} once. */
  public SimulatedUpstream transientEmpty(String pkg, Endpoint endpoint) {
    return transientEmpty(pkg, endpoint, 1);
  }

  /**
   * The day's counts change by {@code delta} (cumulative over calls), consistently: both
   * {@code overall} categories, the day's largest python minor (so its major) and the day's
   * largest system (the profile's largest shares on an empty day).
   *
   * @throws IllegalArgumentException if a count would become negative
   */
  public synchronized SimulatedUpstream revise(String pkg, LocalDate date, int delta) {
    known(pkg).revise(date, delta);
    return changed();
  }

  /** {@code name} is unknown upstream: 404 from recent/overall, 200 with empty data from the others. */
  public synchronized SimulatedUpstream unknownPackage(String name) {
    String key = key(name);
    if (packages.containsKey(key) || key.equals(ALL)) {
      throw new IllegalArgumentException("package is simulated: " + name);
    }
    unknown.add(key);
    return changed();
  }

  /** With {@code true}, the rows of every body come in a (seeded) shuffled order. */
  public synchronized SimulatedUpstream shuffleCategoryOrder(boolean shuffled) {
    this.shuffle = shuffled;
    return changed();
  }

  // ---------------------------------------------------------------- answers

  @Override
  public synchronized Answer answer(String pkg, Endpoint endpoint, Map<String, String> query) {
    String name = Bodies.serverName(pkg);
    if (endpoint == Endpoint.RECENT && !Bodies.validPeriod(query.get("period"))) {
      return Answer.notFound();
    }
    // Names are looked up as the server spells them: a name that is not lower-case is unknown.
    boolean known = name.equals(ALL) || packages.containsKey(name);
    Integer empties = transientEmpties.get(path(name, endpoint));
    if (known && empties != null && today != null) {
      transientEmpties.put(path(name, endpoint), empties - 1);
      if (empties <= 1) {
        transientEmpties.remove(path(name, endpoint));
      }
      return Answer.json(endpoint == Endpoint.RECENT
          ? Bodies.recent(name, 0L, 0L, 0L, query.get("period"))
          : Bodies.empty(name, endpoint));
    }
    boolean hasRows = known && today != null && publishedDates().stream().anyMatch(d -> servedDay(name, d).with() > 0);
    if (endpoint == Endpoint.RECENT) {
      if (!hasRows) {
        return Answer.notFound();
      }
      Recent r = recentOf(name);
      return Answer.json(Bodies.recent(name, r.lastDay(), r.lastWeek(), r.lastMonth(), query.get("period")));
    }
    if (!hasRows) {
      return endpoint == Endpoint.OVERALL ? Answer.notFound() : Answer.json(Bodies.empty(name, endpoint));
    }
    if (query.isEmpty()) {
      return Answer.json(bodyCache.computeIfAbsent(path(name, endpoint), p -> render(name, endpoint, Map.of())));
    }
    return Answer.json(render(name, endpoint, query));
  }

  /** The unfiltered body currently served for {@code pkg}'s {@code endpoint} (without consuming a transient empty), or null for a 404. */
  public synchronized String body(String pkg, Endpoint endpoint) {
    String name = key(pkg);
    Integer empties = transientEmpties.remove(path(name, endpoint));
    try {
      Answer a = answer(name, endpoint, Map.of());
      return a.isOk() ? a.body() : null;
    } finally {
      if (empties != null) {
        transientEmpties.put(path(name, endpoint), empties);
      }
    }
  }

  private String render(String name, Endpoint endpoint, Map<String, String> query) {
    List<Bodies.Row> rows = new ArrayList<>();
    for (LocalDate d : publishedDates()) {
      servedDay(name, d).series(endpoint).forEach((c, n) -> rows.add(new Bodies.Row(c, d, n)));
    }
    if (shuffle) {
      SplittableRandom r = new SplittableRandom(SimulatedPackage.seedFor(seed, name + "/" + endpoint, today));
      for (int i = rows.size() - 1; i > 0; i--) {
        Collections.swap(rows, i, r.nextInt(i + 1));
      }
    }
    return Bodies.series(name, endpoint, rows, Bodies.filter(endpoint, query), shuffle);
  }

  // ---------------------------------------------------------------- expectations

  /**
   * What the upstream currently says for a raw API category (e.g. {@code Linux}, {@code null},
   * {@code 3.12}, {@code without_mirrors}) of a time-series endpoint on {@code date}; 0 if no row.
   */
  public synchronized long count(String pkg, Endpoint endpoint, String apiCategory, LocalDate date) {
    return servedDay(key(pkg), date).series(endpoint).getOrDefault(apiCategory, 0L);
  }

  /** True if the upstream currently has that row ({@link #count} > 0). */
  public boolean hasRow(String pkg, Endpoint endpoint, String apiCategory, LocalDate date) {
    return count(pkg, endpoint, apiCategory, date) > 0;
  }

  /** The rows of {@code date} by raw API category, in upstream order; empty if none. */
  public synchronized Map<String, Long> counts(String pkg, Endpoint endpoint, LocalDate date) {
    return servedDay(key(pkg), date).series(endpoint);
  }

  /**
   * The rows of {@code date} by NORMALIZED category ({@link Categories#normalize}: lower-case
   * systems, {@code null} as {@code unknown}), sorted; empty if none.
   */
  public Map<String, Long> normalizedCounts(String pkg, Endpoint endpoint, LocalDate date) {
    Map<String, Long> out = new TreeMap<>();
    counts(pkg, endpoint, date).forEach((k, v) ->
        out.merge(Categories.normalize(endpoint, k), v, Long::sum));
    return out;
  }

  /** Every NORMALIZED category that has at least one row in the currently served window. */
  public Set<String> normalizedCategories(String pkg, Endpoint endpoint) {
    Set<String> out = new TreeSet<>();
    for (LocalDate d : publishedDates()) {
      out.addAll(normalizedCounts(pkg, endpoint, d).keySet());
    }
    return out;
  }

  /** What {@code /recent} currently says (zeros for an unknown package or before {@link #setToday}). */
  public synchronized Recent recent(String pkg) {
    return recentOf(key(pkg));
  }

  /** The whole-day holes. */
  public synchronized Set<LocalDate> holes() {
    return Collections.unmodifiableSet(new TreeSet<>(holes));
  }

  /** The days currently served, oldest first (holes excluded; per-package drops included). */
  public synchronized List<LocalDate> publishedDates() {
    List<LocalDate> out = new ArrayList<>();
    if (today == null) {
      return out;
    }
    LocalDate newest = newest();
    for (LocalDate d = newest.minusDays(windowDays - 1L); !d.isAfter(newest); d = d.plusDays(1)) {
      if (!holes.contains(d)) {
        out.add(d);
      }
    }
    return out;
  }

  /** The newest day the upstream currently serves (today-1-lag), holes aside. */
  public synchronized LocalDate newestDate() {
    requireToday();
    return newest();
  }

  @Override
  public synchronized List<String> packages() {
    return List.copyOf(packages.keySet());
  }

  /** The profile of a simulated package. */
  public synchronized Profile profile(String pkg) {
    return known(pkg).profile();
  }

  /** The upstream's {@code type} field of {@code endpoint}, e.g. {@code system_downloads}. */
  public static String type(Endpoint endpoint) {
    return Bodies.type(endpoint);
  }

  // ---------------------------------------------------------------- internals

  private LocalDate newest() {
    return today.minusDays(1L + lag);
  }

  private LocalDate requireToday() {
    if (today == null) {
      throw new IllegalStateException("setToday was not called");
    }
    return today;
  }

  private static String key(String name) {
    return PackageName.normalize(name);
  }

  private static String path(String name, Endpoint endpoint) {
    return name + "/" + endpoint.path();
  }

  private SimulatedPackage known(String pkg) {
    SimulatedPackage p = packages.get(key(pkg));
    if (p == null) {
      throw new IllegalArgumentException("not a simulated package: " + pkg);
    }
    return p;
  }

  private boolean inWindow(LocalDate d) {
    if (today == null || holes.contains(d)) {
      return false;
    }
    LocalDate newest = newest();
    return !d.isAfter(newest) && d.isAfter(newest.minusDays(windowDays));
  }

  /** The day as currently served: empty outside the window, in holes, drops, unknown names. */
  private SimulatedDay servedDay(String name, LocalDate date) {
    if (!inWindow(date)) {
      return SimulatedDay.EMPTY;
    }
    if (name.equals(ALL)) {
      return allCache.computeIfAbsent(date, d -> {
        List<SimulatedDay> parts = new ArrayList<>(packages.size() + 1);
        parts.add(allBase.day(d));
        packages.keySet().forEach(p -> parts.add(servedDay(p, d)));
        return SimulatedDay.sum(parts);
      });
    }
    SimulatedPackage p = packages.get(name);
    if (p == null || drops.getOrDefault(name, Set.of()).contains(date)) {
      return SimulatedDay.EMPTY;
    }
    return p.day(date);
  }

  private Recent recentOf(String name) {
    if (today == null) {
      return new Recent(0, 0, 0);
    }
    LocalDate newest = newest();
    long day = 0;
    long week = 0;
    long month = 0;
    for (int i = 0; i < 30; i++) {
      long n = servedDay(name, newest.minusDays(i)).without();
      if (i == 0) {
        day = n;
      }
      if (i < 7) {
        week += n;
      }
      month += n;
    }
    return new Recent(day, week, month);
  }

  private SimulatedUpstream changed() {
    allCache.clear();
    bodyCache.clear();
    return this;
  }
}
