package dev.pypiwatch.simulate;

import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.Endpoint;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One day of one simulated package as the upstream stores it: {@code overall}, {@code python_minor}
 * and {@code system} counts by raw API category (zero counts absent); {@code python_major} is
 * derived from the minors, as the upstream does.
 *
 * <p>Invariants: the minors and the systems each sum to {@code without_mirrors}, and
 * {@code with_mirrors >= without_mirrors}.
 */
final class SimulatedDay {
  static final SimulatedDay EMPTY = new SimulatedDay(Map.of(), Map.of(), Map.of());

  private final Map<String, Long> overall;
  private final Map<String, Long> minor;
  private final Map<String, Long> system;
  private final Map<String, Long> major;

  SimulatedDay(Map<String, Long> overall, Map<String, Long> minor, Map<String, Long> system) {
    this.overall = frozen(overall);
    this.minor = frozen(minor);
    this.system = frozen(system);
    Map<String, Long> m = new TreeMap<>();
    this.minor.forEach((k, v) -> m.merge(majorOf(k), v, Long::sum));
    this.major = Collections.unmodifiableMap(m);
  }

  /** The sum of {@code days}, category by category. */
  static SimulatedDay sum(List<SimulatedDay> days) {
    Map<String, Long> o = new TreeMap<>();
    Map<String, Long> m = new TreeMap<>();
    Map<String, Long> s = new TreeMap<>();
    for (SimulatedDay d : days) {
      d.overall.forEach((k, v) -> o.merge(k, v, Long::sum));
      d.minor.forEach((k, v) -> m.merge(k, v, Long::sum));
      d.system.forEach((k, v) -> s.merge(k, v, Long::sum));
    }
    return new SimulatedDay(o, m, s);
  }

  /** A day from a split: {@code minor} and {@code system} must each sum to {@code without}. */
  static SimulatedDay of(long without, long mirrors, Map<String, Long> minor,
      Map<String, Long> system) {
    Map<String, Long> overall = new TreeMap<>();
    overall.put(Categories.WITH_MIRRORS, without + mirrors);
    overall.put(Categories.WITHOUT_MIRRORS, without);
    return new SimulatedDay(overall, minor, system);
  }

  long without() {
    return overall.getOrDefault(Categories.WITHOUT_MIRRORS, 0L);
  }

  long with() {
    return overall.getOrDefault(Categories.WITH_MIRRORS, 0L);
  }

  /** The counts of a time-series endpoint by raw category, sorted like the upstream sorts them. */
  Map<String, Long> series(Endpoint endpoint) {
    return switch (endpoint) {
      case OVERALL -> overall;
      case PYTHON_MINOR -> minor;
      case SYSTEM -> system;
      case PYTHON_MAJOR -> major;
      case RECENT -> throw new IllegalArgumentException("recent is not a time series");
    };
  }

  /** The major of a raw minor category: {@code 3.12} is {@code 3}, {@code null} stays. */
  static String majorOf(String minor) {
    int dot = minor.indexOf('.');
    return dot < 0 ? minor : minor.substring(0, dot);
  }

  /**
   * This day revised by {@code delta}: added to both {@code overall} categories, to the largest
   * minor and to the largest system ({@code fallbackMinor}/{@code fallbackSystem} on an empty day).
   *
   * @throws IllegalArgumentException if a count would become negative
   */
  SimulatedDay revised(long delta, String fallbackMinor, String fallbackSystem) {
    if (delta == 0) {
      return this;
    }
    Map<String, Long> o = new TreeMap<>(overall);
    add(o, Categories.WITH_MIRRORS, delta);
    add(o, Categories.WITHOUT_MIRRORS, delta);
    Map<String, Long> m = new TreeMap<>(minor);
    add(m, largest(minor, fallbackMinor), delta);
    Map<String, Long> s = new TreeMap<>(system);
    add(s, largest(system, fallbackSystem), delta);
    return new SimulatedDay(o, m, s);
  }

  /** The category with the largest count (first in sort order on ties), or the fallback. */
  static String largest(Map<String, Long> counts, String fallback) {
    String best = fallback;
    long max = 0;
    for (var e : counts.entrySet()) {
      if (e.getValue() > max) {
        max = e.getValue();
        best = e.getKey();
      }
    }
    return best;
  }

  private static void add(Map<String, Long> counts, String category, long delta) {
    long n = counts.getOrDefault(category, 0L) + delta;
    if (n < 0) {
      throw new IllegalArgumentException("revision by " + delta + " makes " + category
          + " negative (" + n + ")");
    }
    if (n == 0) {
      counts.remove(category);
    } else {
      counts.put(category, n);
    }
  }

  private static Map<String, Long> frozen(Map<String, Long> counts) {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> {
      if (v < 0) {
        throw new IllegalArgumentException("negative count " + k + "=" + v);
      }
      if (v > 0) {
        out.put(k, v);
      }
    });
    return Collections.unmodifiableMap(out);
  }
}
