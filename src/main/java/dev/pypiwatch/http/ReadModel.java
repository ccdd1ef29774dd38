package dev.pypiwatch.http;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.DailyCounts;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.Ids;
import dev.pypiwatch.events.PackageName;
import dev.pypiwatch.events.Silence;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * What the read API answers from: per package its daily series and the alert transitions, built
 * from the downloads and alerts topics, and the silences (the configured ones and the silences
 * topic's). Plain Java, thread-safe (the feed writes, the HTTP server reads). Bounded: each series
 * keeps its last {@value #RETAINED_DAYS} days (the upstream's 181 and a margin) at 4 bytes a day,
 * and alert transitions older than that are forgotten unless still firing.
 */
public final class ReadModel {
  /** Days in a package's sparkline. */
  public static final int SPARKLINE_DAYS = 30;
  /** Days in each half of the 7-day change. */
  public static final int WEEK = 7;
  /** Days kept per series, up to its newest: the upstream keeps 181 points; a few more for its ETL's timing. */
  public static final int RETAINED_DAYS = 190;
  // Transitions are pruned when the list has doubled since the last pruning, at least this long.
  private static final int PRUNE_AT_LEAST = 1024;
  /** The {@code python_major} category of Python 3. */
  static final String PYTHON_3 = "3";

  /** How current a package's data is. */
  public enum Freshness {
    /** Its newest day is the expected newest day (yesterday). */
    FRESH,
    /** Its newest day is older, and the poller still tries. */
    BEHIND,
    /** Still behind after the freshness deadline. */
    STALE,
    /** The upstream does not know it. */
    INVALID;

    /** The spelling in JSON. */
    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One day's count; {@code downloads} is null in a sparkline for a day without data. */
  public record Day(LocalDate date, Long downloads) {}

  /** One line of the watchlist overview. */
  public record PackageSummary(String name, LocalDate newestDay, Freshness freshness, Long lastDayDownloads,
      Double sevenDayChange, List<Day> sparkline, int firingAlerts, Double python3Share) {}

  /** One package in full: series by endpoint and category, firing alerts and its recent transitions. */
  public record PackageView(String name, LocalDate newestDay, Map<String, Map<String, List<Day>>> series,
      List<Alert> firing, List<Alert> recent) {}

  /** Which transitions {@link #alerts} answers; null fields do not filter. */
  public record AlertQuery(AlertState state, String packageName, String rule, LocalDate since) {}

  private static final DailyCounts NONE = new DailyCounts(1);

  // package -> endpoint -> category -> days; a revision replaces the day's count.
  private final Map<String, Map<Endpoint, Map<String, DailyCounts>>> downloads = new HashMap<>();
  private final List<Alert> transitions = new ArrayList<>();
  private final Map<String, Alert> lastByFingerprint = new LinkedHashMap<>();
  private LocalDate newestAlertDay = LocalDate.MIN;
  private int pruneAt = PRUNE_AT_LEAST;
  private final Map<String, Silence> silences = new LinkedHashMap<>();

  /** How long an expired silence is still listed. */
  public static final Duration EXPIRED_SILENCES_LISTED = Duration.ofDays(5);

  /** Takes in one download record (the newest for a day wins: revisions replace). */
  public synchronized void add(DownloadRecord r) {
    downloads.computeIfAbsent(r.packageName(), p -> new EnumMap<>(Endpoint.class))
        .computeIfAbsent(r.endpoint(), e -> new HashMap<>(4))
        .computeIfAbsent(r.category(), c -> new DailyCounts(RETAINED_DAYS))
        .put(r.date(), r.downloads());
  }

  /** Takes in one alert transition, in topic order. */
  public synchronized void add(Alert a) {
    transitions.add(a);
    lastByFingerprint.put(a.fingerprint(), a);
    if (a.date().isAfter(newestAlertDay)) {
      newestAlertDay = a.date();
    }
    if (transitions.size() >= pruneAt) {
      prune();
    }
  }

  /**
   * The transitions recorded after the one whose CloudEvents id ({@link Ids#alertId}) is {@code id},
   * in the order recorded; empty if no transition held has that id (never seen, or pruned).
   */
  public synchronized Optional<List<Alert>> transitionsAfter(String id) {
    for (int i = transitions.size() - 1; i >= 0; i--) {
      if (Ids.alertId(transitions.get(i)).equals(id)) {
        return Optional.of(List.copyOf(transitions.subList(i + 1, transitions.size())));
      }
    }
    return Optional.empty();
  }

  /** Alert transitions held (bounded by {@link #RETAINED_DAYS} of history, plus what still fires). */
  public synchronized int transitionCount() {
    return transitions.size();
  }

  /** Forgets transitions older than the retained days, but never an alert's firing state. */
  private void prune() {
    LocalDate cutoff = newestAlertDay.minusDays(RETAINED_DAYS);
    transitions.removeIf(a -> a.date().isBefore(cutoff)
        && !(a.state() == AlertState.FIRING && lastByFingerprint.get(a.fingerprint()) == a));
    lastByFingerprint.values().removeIf(a -> a.date().isBefore(cutoff) && a.state() != AlertState.FIRING);
    pruneAt = Math.max(PRUNE_AT_LEAST, 2 * transitions.size());
  }

  /**
   * Takes in one silence, or a newer record of one (of two records of one silence the one ending
   * first is kept, so an expiry is never undone whatever the order).
   */
  public synchronized void add(Silence s) {
    silences.merge(s.id(), s, Silence::earlierEnd);
  }

  /**
   * The silences, newest first (by creation), without those expired more than {@link
   * #EXPIRED_SILENCES_LISTED} before {@code now}.
   */
  public synchronized List<Silence> silences(Instant now) {
    Instant shownSince = now.minus(EXPIRED_SILENCES_LISTED);
    return silences.values().stream()
        .filter(s -> s.endsAt() == null || s.endsAt().isAfter(shownSince))
        .sorted(Comparator.comparing(Silence::createdAt).reversed().thenComparing(Silence::id))
        .toList();
  }

  /** The silence {@code id}, if known (however long ago it expired). */
  public synchronized Optional<Silence> silence(String id) {
    return Optional.ofNullable(silences.get(id));
  }

  /** The last transition of the alert {@code fingerprint}, if any. */
  public synchronized Optional<Alert> lastTransition(String fingerprint) {
    return Optional.ofNullable(lastByFingerprint.get(fingerprint));
  }

  /**
   * The overview of {@code watchlist} (names as configured; shown normalized, once each) given the
   * expected newest day and the poller's stale and invalid sets.
   */
  public synchronized List<PackageSummary> packages(Collection<String> watchlist, LocalDate expectedNewest,
      Set<String> stale, Set<String> invalid) {
    Map<String, PackageSummary> out = new LinkedHashMap<>();
    Set<String> staleNames = normalizedSet(stale);
    Set<String> invalidNames = normalizedSet(invalid);
    for (String configured : watchlist) {
      String name = normalizedOrNull(configured);
      if (name == null || out.containsKey(name)) {
        continue;
      }
      DailyCounts days = withoutMirrors(name);
      LocalDate newest = days.newestDay();
      out.put(name, new PackageSummary(name, newest,
          freshness(name, newest, expectedNewest, staleNames, invalidNames),
          newest == null ? null : days.get(newest), sevenDayChange(days), sparkline(days), firing(name).size(),
          python3Share(downloads.getOrDefault(name, Map.of()).getOrDefault(Endpoint.PYTHON_MAJOR, Map.of()))));
    }
    return List.copyOf(out.values());
  }

  /**
   * The package called {@code name} (any spelling PEP 503 normalizes to it), if it is watched or
   * has data; series limited to {@code from}..{@code to} (inclusive, null = open).
   */
  public synchronized Optional<PackageView> packageView(String name, Collection<String> watchlist, LocalDate from,
      LocalDate to) {
    String normalized = normalizedOrNull(name);
    if (normalized == null || !(downloads.containsKey(normalized) || normalizedSet(watchlist).contains(normalized))) {
      return Optional.empty();
    }
    Map<String, Map<String, List<Day>>> series = new LinkedHashMap<>();
    for (Endpoint e : List.of(Endpoint.OVERALL, Endpoint.PYTHON_MAJOR, Endpoint.PYTHON_MINOR, Endpoint.SYSTEM)) {
      Map<String, List<Day>> byCategory = new TreeMap<>();
      downloads.getOrDefault(normalized, Map.of()).getOrDefault(e, Map.of()).forEach((category, days) -> {
        List<Day> kept = new ArrayList<>();
        days.forEach(from, to, (d, n) -> kept.add(new Day(d, n)));
        byCategory.put(category, kept);
      });
      series.put(e.path(), byCategory);
    }
    List<Alert> recent = newestFirst(a -> a.packageName().equals(normalized));
    return Optional.of(new PackageView(normalized, withoutMirrors(normalized).newestDay(), series,
        firing(normalized), recent));
  }

  /** The transitions {@code q} selects, newest first (by day, then by arrival). */
  public synchronized List<Alert> alerts(AlertQuery q) {
    String pkg = q.packageName() == null ? null : normalizedOrNull(q.packageName());
    if (q.packageName() != null && pkg == null) {
      return List.of();
    }
    return newestFirst(a -> (q.state() == null || a.state() == q.state())
        && (pkg == null || a.packageName().equals(pkg))
        && (q.rule() == null || a.rule().equals(q.rule()))
        && (q.since() == null || !a.date().isBefore(q.since())));
  }

  /** The alerts of {@code pkg} whose last transition is a firing, newest first. */
  private List<Alert> firing(String pkg) {
    return lastByFingerprint.values().stream()
        .filter(a -> a.state() == AlertState.FIRING && a.packageName().equals(pkg))
        .sorted(Comparator.comparing(Alert::date).reversed())
        .toList();
  }

  private List<Alert> newestFirst(Predicate<Alert> which) {
    List<Alert> out = new ArrayList<>();
    // Walking backwards puts later arrivals of the same day first; the stable sort keeps that.
    for (int i = transitions.size() - 1; i >= 0; i--) {
      if (which.test(transitions.get(i))) {
        out.add(transitions.get(i));
      }
    }
    out.sort(Comparator.comparing(Alert::date).reversed());
    return out;
  }

  private DailyCounts withoutMirrors(String pkg) {
    return downloads.getOrDefault(pkg, Map.of()).getOrDefault(Endpoint.OVERALL, Map.of())
        .getOrDefault(Categories.WITHOUT_MIRRORS, NONE);
  }

  static Freshness freshness(String pkg, LocalDate newest, LocalDate expected, Set<String> stale,
      Set<String> invalid) {
    if (invalid.contains(pkg)) {
      return Freshness.INVALID;
    }
    if (newest != null && !newest.isBefore(expected)) {
      return Freshness.FRESH;
    }
    return stale.contains(pkg) ? Freshness.STALE : Freshness.BEHIND;
  }

  /**
   * The last 7 days (to the newest) against the 7 before, as a fraction (0.25 = +25 %); null unless
   * all 14 days are known and the earlier week had downloads.
   */
  static Double sevenDayChange(DailyCounts days) {
    LocalDate newest = days.newestDay();
    if (newest == null) {
      return null;
    }
    long last = 0;
    long before = 0;
    for (int i = 0; i < 2 * WEEK; i++) {
      long n = days.get(newest.minusDays(i));
      if (n < 0) {
        return null;
      }
      if (i < WEEK) {
        last += n;
      } else {
        before += n;
      }
    }
    return before == 0 ? null : (double) last / before - 1;
  }

  /**
   * Python 3's share of the {@code python_major} downloads (every category, {@code unknown}
   * included) on the newest day that series has; null without such a day or with 0 downloads on it.
   */
  static Double python3Share(Map<String, DailyCounts> majors) {
    LocalDate newest = null;
    for (DailyCounts days : majors.values()) {
      LocalDate last = days.newestDay();
      if (last != null && (newest == null || last.isAfter(newest))) {
        newest = last;
      }
    }
    if (newest == null) {
      return null;
    }
    long total = 0;
    long three = 0;
    for (var e : majors.entrySet()) {
      long n = Math.max(0, e.getValue().get(newest)); // -1: no row that day
      total += n;
      if (e.getKey().equals(PYTHON_3)) {
        three += n;
      }
    }
    return total == 0 ? null : (double) three / total;
  }

  /** The 30 days to the newest, oldest first; a day without data has a null count. */
  static List<Day> sparkline(DailyCounts days) {
    LocalDate newest = days.newestDay();
    if (newest == null) {
      return List.of();
    }
    List<Day> out = new ArrayList<>(SPARKLINE_DAYS);
    for (int i = SPARKLINE_DAYS - 1; i >= 0; i--) {
      LocalDate d = newest.minusDays(i);
      long n = days.get(d);
      out.add(new Day(d, n < 0 ? null : n));
    }
    return out;
  }

  private static Set<String> normalizedSet(Collection<String> names) {
    Set<String> out = new java.util.HashSet<>();
    for (String n : names) {
      String norm = normalizedOrNull(n);
      if (norm != null) {
        out.add(norm);
      }
    }
    return out;
  }

  /** The PEP 503 form of {@code name}, or null if it is no valid name. */
  static String normalizedOrNull(String name) {
    return PackageName.isValid(name) ? PackageName.normalize(name) : null;
  }
}
