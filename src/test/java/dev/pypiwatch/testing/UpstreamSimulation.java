package dev.pypiwatch.testing;

import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.PackageName;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
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
 * A deterministic day-by-day simulation of the PyPI Stats upstream, served through a
 * {@link FakePypiStats}: advance "today" with {@link #setToday}, add quirks, and ask what the
 * upstream currently says with {@link #count}.
 *
 * <pre>{@code
 * UpstreamSimulation sim = new UpstreamSimulation(fake, 42)
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
 * {@code with_mirrors} (= without + 1-3% mirror traffic) are derived, so every endpoint agrees.
 * Zero counts have no row, as upstream. The reference package {@link #ALL} is the sum of every
 * served package plus {@link #ALL_BASE} a day, so it has every day that is not a {@link #hole}.
 *
 * <p>Every quirk applies at once (the bodies are served again) if {@code today} is set, and
 * stays for later days. Scripted answers ({@link #transientEmpty}, {@link #fault}) are the next
 * answers of their path, whatever the day, until consumed. Not thread-safe: drive it from the
 * test thread.
 */
public final class UpstreamSimulation {
  /** The upstream's name of the ecosystem totals. */
  public static final String ALL = "__all__";

  /** The downloads a day of {@link #ALL} on top of the simulated packages (without mirrors). */
  public static final long ALL_BASE = 50_000_000L;

  /**
   * The number of days the real server keeps: 181, i.e. [today-181, today-1] (the real
   * {@code *_system.json} fixtures fetched 2026-04-07 span 2025-10-08..2026-04-06).
   */
  public static final int DEFAULT_WINDOW_DAYS = 181;

  private static final List<Endpoint> SERIES = List.of(Endpoint.OVERALL, Endpoint.PYTHON_MAJOR,
      Endpoint.PYTHON_MINOR, Endpoint.SYSTEM);

  private final FakePypiStats fake;
  private final long seed;
  private final Map<String, SimulatedPackage> packages = new LinkedHashMap<>();
  private final SimulatedPackage allBase;
  private final Set<String> unknown = new LinkedHashSet<>();
  private final Set<LocalDate> holes = new TreeSet<>();
  private final Map<String, Set<LocalDate>> drops = new TreeMap<>();
  private final Map<String, String> bodies = new TreeMap<>();
  // The served days of ALL; cleared on every change (every change goes through republish).
  private final Map<LocalDate, SimulatedDay> allCache = new HashMap<>();
  private LocalDate today;
  private int lag;
  private int windowDays = DEFAULT_WINDOW_DAYS;
  private boolean shuffle;

  /** A simulation without packages that serves through {@code fake}; nothing is served yet. */
  public UpstreamSimulation(FakePypiStats fake, long seed) {
    this.fake = Objects.requireNonNull(fake, "fake");
    this.seed = seed;
    this.allBase = new SimulatedPackage(ALL, Profile.constant(ALL_BASE).withMirrors(0.02, 0.02),
        seed);
  }

  /** How a simulated package's downloads behave from day to day. */
  public record Profile(Kind kind, double mean, double weekendFactor, double noise,
      Map<String, Double> minorShares, Map<String, Double> osShares, double mirrorMin,
      double mirrorMax) {

    /** How the daily total is drawn. */
    public enum Kind {
      /** Poisson around a log-normal daily mean; weekends lower; noisy shares. */
      BUSY,
      /** Poisson around a very noisy small mean: many zero days (no rows), one draw per download. */
      TINY,
      /** Exactly {@code mean} every day, split exactly by the shares; no noise. */
      CONSTANT
    }

    /** Python minors: 3.9 .. 3.13, a little 2.7, and {@code null}. */
    public static final Map<String, Double> DEFAULT_MINORS = shares(
        "2.7", 0.003, "3.9", 0.10, "3.10", 0.15, "3.11", 0.22, "3.12", 0.27, "3.13", 0.17,
        "null", 0.087);

    /** Operating systems as the upstream spells them. */
    public static final Map<String, Double> DEFAULT_OS = shares(
        "Linux", 0.80, "Windows", 0.09, "Darwin", 0.06, "other", 0.002, "null", 0.048);

    public Profile {
      Objects.requireNonNull(kind, "kind");
      minorShares = checked(minorShares, "minorShares");
      osShares = checked(osShares, "osShares");
      if (mean < 0 || weekendFactor < 0 || noise < 0 || mirrorMin < 0 || mirrorMax < mirrorMin) {
        throw new IllegalArgumentException("bad profile " + kind + " " + mean);
      }
    }

    /** About {@code meanPerWeekday} a weekday, 60% of it on weekends, +1-3% mirror traffic. */
    public static Profile busy(double meanPerWeekday) {
      return new Profile(Kind.BUSY, meanPerWeekday, 0.6, 0.08, DEFAULT_MINORS, DEFAULT_OS, 0.01,
          0.03);
    }

    /** About {@code mean} a day, weekends a little higher, very noisy: many days without rows. */
    public static Profile tiny(double mean) {
      return new Profile(Kind.TINY, mean, 1.3, 0.8, DEFAULT_MINORS, DEFAULT_OS, 0.01, 0.03);
    }

    /** Exactly {@code perDay} every day without mirrors, split exactly; no mirror traffic. */
    public static Profile constant(long perDay) {
      return new Profile(Kind.CONSTANT, perDay, 1.0, 0.0, DEFAULT_MINORS, DEFAULT_OS, 0.0, 0.0);
    }

    /** This profile with other python minor shares (raw categories, e.g. {@code "null"}). */
    public Profile withMinorShares(Map<String, Double> shares) {
      return new Profile(kind, mean, weekendFactor, noise, shares, osShares, mirrorMin, mirrorMax);
    }

    /** This profile with other OS shares (raw categories, e.g. {@code "Linux"}). */
    public Profile withOsShares(Map<String, Double> shares) {
      return new Profile(kind, mean, weekendFactor, noise, minorShares, shares, mirrorMin,
          mirrorMax);
    }

    /** This profile with mirror traffic of {@code min..max} of {@code without_mirrors}. */
    public Profile withMirrors(double min, double max) {
      return new Profile(kind, mean, weekendFactor, noise, minorShares, osShares, min, max);
    }

    private static Map<String, Double> shares(Object... kv) {
      Map<String, Double> m = new LinkedHashMap<>();
      for (int i = 0; i < kv.length; i += 2) {
        m.put((String) kv[i], (Double) kv[i + 1]);
      }
      return Collections.unmodifiableMap(m);
    }

    private static Map<String, Double> checked(Map<String, Double> shares, String what) {
      Map<String, Double> m = new TreeMap<>(Objects.requireNonNull(shares, what));
      if (m.isEmpty() || m.values().stream().anyMatch(v -> v == null || v < 0)
          || m.values().stream().mapToDouble(Double::doubleValue).sum() <= 0) {
        throw new IllegalArgumentException(what + " must be non-empty, non-negative: " + shares);
      }
      return Collections.unmodifiableMap(m);
    }
  }

  /** The {@code /recent} figures: newest published day, 7 and 30 newest days (holes count 0). */
  public record Recent(long lastDay, long lastWeek, long lastMonth) {}

  // ---------------------------------------------------------------- set-up and time

  /** Adds a package (names are PEP 503 normalized); served from the next {@link #setToday}. */
  public UpstreamSimulation addPackage(String name, Profile profile) {
    String key = key(name);
    if (key.equals(ALL) || packages.containsKey(key) || unknown.contains(key)) {
      throw new IllegalArgumentException("package already simulated: " + name);
    }
    packages.put(key, new SimulatedPackage(key, Objects.requireNonNull(profile), seed));
    return republish();
  }

  /**
   * Makes {@code today} the current day: serves every endpoint of every package (and of
   * {@link #ALL}) for {@link #publishedDates()}: the {@link #DEFAULT_WINDOW_DAYS 181} days
   * [today-181, today-1] by default.
   */
  public UpstreamSimulation setToday(LocalDate today) {
    this.today = Objects.requireNonNull(today, "today");
    return republish();
  }

  /** {@link #setToday} with the day after the current one. */
  public UpstreamSimulation nextDay() {
    return setToday(requireToday().plusDays(1));
  }

  public LocalDate today() {
    return today;
  }

  /** The upstream is {@code days} late: the newest published day is today-1-days; the window moves too. */
  public UpstreamSimulation lag(int days) {
    if (days < 0) {
      throw new IllegalArgumentException("lag must be >= 0: " + days);
    }
    this.lag = days;
    return republish();
  }

  /** Serves {@code days} days (181 upstream) ending at the newest published day. */
  public UpstreamSimulation windowDays(int days) {
    if (days < 1) {
      throw new IllegalArgumentException("windowDays must be >= 1: " + days);
    }
    this.windowDays = days;
    return republish();
  }

  // ---------------------------------------------------------------- quirks

  /** {@code date} is missing for every package and {@link #ALL}, forever. */
  public UpstreamSimulation hole(LocalDate date) {
    holes.add(Objects.requireNonNull(date));
    return republish();
  }

  /** {@code pkg} loses {@code date} in every endpoint, forever (other packages keep it). */
  public UpstreamSimulation dropDay(String pkg, LocalDate date) {
    drops.computeIfAbsent(known(pkg).name(), k -> new TreeSet<>()).add(Objects.requireNonNull(date));
    return republish();
  }

  /**
   * The next {@code times} answers of {@code pkg}'s {@code endpoint} are 200 with empty data
   * (for {@code recent}: all figures 0), then the normal body again.
   */
  public UpstreamSimulation transientEmpty(String pkg, Endpoint endpoint, int times) {
    String name = key(pkg);
    FakeResponse empty = endpoint == Endpoint.RECENT
        ? FakeResponse.ok(recentJson(name, new Recent(0, 0, 0)))
        : FakeResponse.emptyData(name, type(endpoint));
    FakeResponse[] answers = new FakeResponse[times];
    Arrays.fill(answers, empty);
    fake.script(FakePypiStats.path(name, endpoint), answers);
    return this;
  }

  /** {@link #transientEmpty(String, Endpoint, int)} once. */
  public UpstreamSimulation transientEmpty(String pkg, Endpoint endpoint) {
    return transientEmpty(pkg, endpoint, 1);
  }

  /**
   * The day's counts change by {@code delta} (cumulative over calls), consistently: both
   * {@code overall} categories, the day's largest python minor (so its major) and the day's
   * largest system (the profile's largest shares on an empty day).
   *
   * @throws IllegalArgumentException if a count would become negative
   */
  public UpstreamSimulation revise(String pkg, LocalDate date, int delta) {
    known(pkg).revise(date, delta);
    return republish();
  }

  /** {@code name} is unknown upstream: 404 from recent/overall, 200 with empty data from the others. */
  public UpstreamSimulation unknownPackage(String name) {
    String key = key(name);
    if (packages.containsKey(key) || key.equals(ALL)) {
      throw new IllegalArgumentException("package is simulated: " + name);
    }
    unknown.add(key);
    serveUnknown(key);
    return this;
  }

  /** With {@code true}, the rows of every body come in a (seeded) shuffled order. */
  public UpstreamSimulation shuffleCategoryOrder(boolean shuffled) {
    this.shuffle = shuffled;
    return republish();
  }

  /** Queues scripted answers (5xx, 429, ...) of {@code pkg}'s {@code endpoint}, before its body. */
  public UpstreamSimulation fault(String pkg, Endpoint endpoint, FakeResponse... answers) {
    fake.script(FakePypiStats.path(key(pkg), endpoint), answers);
    return this;
  }

  // ---------------------------------------------------------------- expectations

  /**
   * What the upstream currently says for a raw API category (e.g. {@code Linux}, {@code null},
   * {@code 3.12}, {@code without_mirrors}) of a time-series endpoint on {@code date}; 0 if no row.
   */
  public long count(String pkg, Endpoint endpoint, String apiCategory, LocalDate date) {
    return servedDay(key(pkg), date).series(endpoint).getOrDefault(apiCategory, 0L);
  }

  /** True if the upstream currently has that row ({@link #count} > 0). */
  public boolean hasRow(String pkg, Endpoint endpoint, String apiCategory, LocalDate date) {
    return count(pkg, endpoint, apiCategory, date) > 0;
  }

  /** The rows of {@code date} by raw API category, in upstream order; empty if none. */
  public Map<String, Long> counts(String pkg, Endpoint endpoint, LocalDate date) {
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
  public Recent recent(String pkg) {
    return recentOf(key(pkg));
  }

  /** The whole-day holes. */
  public Set<LocalDate> holes() {
    return Collections.unmodifiableSet(new TreeSet<>(holes));
  }

  /** The days currently served, oldest first (holes excluded; per-package drops included). */
  public List<LocalDate> publishedDates() {
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
  public LocalDate newestDate() {
    requireToday();
    return newest();
  }

  /** The simulated package names (normalized), in order of addition, without {@link #ALL}. */
  public List<String> packages() {
    return List.copyOf(packages.keySet());
  }

  /** The body currently served as default for {@code pkg}'s {@code endpoint}, or null. */
  public String body(String pkg, Endpoint endpoint) {
    return bodies.get(FakePypiStats.path(key(pkg), endpoint));
  }

  /** The upstream's {@code type} field of {@code endpoint}, e.g. {@code system_downloads}. */
  public static String type(Endpoint endpoint) {
    return endpoint.path() + "_downloads";
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

  private UpstreamSimulation republish() {
    allCache.clear();
    if (today == null) {
      return this;
    }
    List<LocalDate> dates = publishedDates();
    List<String> dateTexts = dates.stream().map(LocalDate::toString).toList();
    List<String> names = new ArrayList<>(packages.keySet());
    names.add(ALL);
    for (String name : names) {
      List<SimulatedDay> days = new ArrayList<>(dates.size());
      for (LocalDate d : dates) {
        days.add(servedDay(name, d));
      }
      // A name without any overall row answers like an unknown package on recent/overall.
      boolean anyRow = days.stream().anyMatch(d -> d.with() > 0);
      for (Endpoint e : SERIES) {
        if (e == Endpoint.OVERALL && !anyRow) {
          serve(name, e, FakeResponse.notFound(), null);
        } else {
          String json = seriesJson(name, e, dateTexts, days);
          serve(name, e, FakeResponse.ok(json), json);
        }
      }
      if (anyRow) {
        String json = recentJson(name, recentOf(name));
        serve(name, Endpoint.RECENT, FakeResponse.ok(json), json);
      } else {
        serve(name, Endpoint.RECENT, FakeResponse.notFound(), null);
      }
    }
    unknown.forEach(this::serveUnknown);
    return this;
  }

  private void serveUnknown(String name) {
    for (Endpoint e : Endpoint.values()) {
      if (e == Endpoint.RECENT || e == Endpoint.OVERALL) {
        serve(name, e, FakeResponse.notFound(), null);
      } else {
        String json = emptyJson(name, e);
        serve(name, e, FakeResponse.ok(json), json);
      }
    }
  }

  private void serve(String name, Endpoint e, FakeResponse response, String bodyOrNull) {
    String path = FakePypiStats.path(name, e);
    fake.serve(path, response);
    if (bodyOrNull == null) {
      bodies.remove(path);
    } else {
      bodies.put(path, bodyOrNull);
    }
  }

  private String seriesJson(String name, Endpoint e, List<String> dates,
      List<SimulatedDay> days) {
    if (shuffle) {
      return shuffledJson(name, e, dates, days);
    }
    String prefix = "{\"category\":\"";
    // category -> its rows, categories in upstream (byte) order, dates ascending
    Map<String, StringBuilder> byCategory = new TreeMap<>();
    for (int i = 0; i < dates.size(); i++) {
      String date = dates.get(i);
      for (var c : days.get(i).series(e).entrySet()) {
        StringBuilder sb = byCategory.computeIfAbsent(c.getKey(), k -> new StringBuilder(8192));
        if (sb.length() > 0) {
          sb.append(',');
        }
        sb.append(prefix).append(c.getKey()).append("\",\"date\":\"").append(date)
            .append("\",\"downloads\":").append(c.getValue()).append('}');
      }
    }
    StringBuilder out = new StringBuilder(64 * 1024).append("{\"data\":[");
    boolean first = true;
    for (StringBuilder rows : byCategory.values()) {
      if (!first) {
        out.append(',');
      }
      out.append(rows);
      first = false;
    }
    return envelope(out, name, e);
  }

  private String shuffledJson(String name, Endpoint e, List<String> dates,
      List<SimulatedDay> days) {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < dates.size(); i++) {
      for (var c : days.get(i).series(e).entrySet()) {
        rows.add("{\"category\":\"" + c.getKey() + "\",\"date\":\"" + dates.get(i)
            + "\",\"downloads\":" + c.getValue() + "}");
      }
    }
    SplittableRandom r = new SplittableRandom(SimulatedPackage.seedFor(seed, name + "/" + e, today));
    for (int i = rows.size() - 1; i > 0; i--) {
      Collections.swap(rows, i, r.nextInt(i + 1));
    }
    return envelope(new StringBuilder("{\"data\":[").append(String.join(",", rows)), name, e);
  }

  private static String envelope(StringBuilder data, String name, Endpoint e) {
    return data.append("],\"package\":\"").append(name).append("\",\"type\":\"")
        .append(type(e)).append("\"}").toString();
  }

  private static String emptyJson(String name, Endpoint e) {
    return "{\"data\":[],\"package\":\"" + name + "\",\"type\":\"" + type(e) + "\"}";
  }

  private static String recentJson(String name, Recent r) {
    return "{\"data\":{\"last_day\":" + r.lastDay() + ",\"last_month\":" + r.lastMonth()
        + ",\"last_week\":" + r.lastWeek() + "},\"package\":\"" + name
        + "\",\"type\":\"recent_downloads\"}";
  }
}
