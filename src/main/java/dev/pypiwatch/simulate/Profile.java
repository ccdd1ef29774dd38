package dev.pypiwatch.simulate;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * How a simulated package's downloads behave from day to day: level, weekly cycle, noise, shares
 * of Python minors and systems, mirror traffic, and the {@link PlantedEvent}s.
 *
 * @param kind how the daily total is drawn
 * @param mean downloads a weekday (without mirrors)
 * @param weekendFactor Saturday and Sunday are this fraction of a weekday
 * @param noise standard deviation of the day's log level (on top of Poisson counting noise)
 * @param minorShares Python minors as the upstream spells them ({@code 3.12}, {@code null})
 * @param osShares systems as the upstream spells them ({@code Linux}, {@code other}, {@code null})
 * @param mirrorMin lowest mirror traffic, a fraction of {@code without_mirrors}
 * @param mirrorMax highest mirror traffic
 * @param events changes planted in the counts
 */
public record Profile(Kind kind, double mean, double weekendFactor, double noise,
    Map<String, Double> minorShares, Map<String, Double> osShares, double mirrorMin,
    double mirrorMax, List<PlantedEvent> events) {

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
    events = List.copyOf(events);
    if (mean < 0 || weekendFactor < 0 || noise < 0 || mirrorMin < 0 || mirrorMax < mirrorMin) {
      throw new IllegalArgumentException("bad profile " + kind + " " + mean);
    }
  }

  /** About {@code meanPerWeekday} a weekday, 60% of it on weekends, +1-3% mirror traffic. */
  public static Profile busy(double meanPerWeekday) {
    return new Profile(Kind.BUSY, meanPerWeekday, 0.6, 0.08, DEFAULT_MINORS, DEFAULT_OS, 0.01,
        0.03, List.of());
  }

  /** About {@code mean} a day, weekends a little higher, very noisy: many days without rows. */
  public static Profile tiny(double mean) {
    return new Profile(Kind.TINY, mean, 1.3, 0.8, DEFAULT_MINORS, DEFAULT_OS, 0.01, 0.03, List.of());
  }

  /** Exactly {@code perDay} every day without mirrors, split exactly; no mirror traffic. */
  public static Profile constant(long perDay) {
    return new Profile(Kind.CONSTANT, perDay, 1.0, 0.0, DEFAULT_MINORS, DEFAULT_OS, 0.0, 0.0,
        List.of());
  }

  /** This profile with another weekend factor and log-level noise. */
  public Profile withCycle(double weekendFactor, double noise) {
    return new Profile(kind, mean, weekendFactor, noise, minorShares, osShares, mirrorMin, mirrorMax, events);
  }

  /** This profile with other python minor shares (raw categories, e.g. {@code "null"}). */
  public Profile withMinorShares(Map<String, Double> shares) {
    return new Profile(kind, mean, weekendFactor, noise, shares, osShares, mirrorMin, mirrorMax, events);
  }

  /** This profile with other OS shares (raw categories, e.g. {@code "Linux"}). */
  public Profile withOsShares(Map<String, Double> shares) {
    return new Profile(kind, mean, weekendFactor, noise, minorShares, shares, mirrorMin, mirrorMax, events);
  }

  /** This profile with mirror traffic of {@code min..max} of {@code without_mirrors}. */
  public Profile withMirrors(double min, double max) {
    return new Profile(kind, mean, weekendFactor, noise, minorShares, osShares, min, max, events);
  }

  /** This profile with one more planted event. */
  public Profile withEvent(PlantedEvent event) {
    List<PlantedEvent> more = new ArrayList<>(events);
    more.add(Objects.requireNonNull(event, "event"));
    return new Profile(kind, mean, weekendFactor, noise, minorShares, osShares, mirrorMin, mirrorMax, more);
  }

  /** The factor of the day's level from spikes and drops (1 without an event that day). */
  double factor(LocalDate date) {
    double f = 1;
    for (PlantedEvent e : events) {
      if (e instanceof PlantedEvent.Spike s && s.first().equals(date)) {
        f *= s.factor();
      } else if (e instanceof PlantedEvent.Drop d && d.covers(date)) {
        f *= d.factor();
      }
    }
    return f;
  }

  /** The minor shares in force on {@code date} (the latest shift started by then). */
  Map<String, Double> minorSharesOn(LocalDate date) {
    Map<String, Double> out = minorShares;
    LocalDate since = LocalDate.MIN;
    for (PlantedEvent e : events) {
      if (e instanceof PlantedEvent.PythonShift s && !s.first().isAfter(date) && s.first().isAfter(since)) {
        out = s.minorShares();
        since = s.first();
      }
    }
    return out;
  }

  /** The system shares in force on {@code date}. */
  Map<String, Double> osSharesOn(LocalDate date) {
    Map<String, Double> out = osShares;
    LocalDate since = LocalDate.MIN;
    for (PlantedEvent e : events) {
      if (e instanceof PlantedEvent.OsShift s && !s.first().isAfter(date) && s.first().isAfter(since)) {
        out = s.osShares();
        since = s.first();
      }
    }
    return out;
  }

  /** Shares as {@code "3.12 27 %, 3.13 17 %"}, largest first. */
  static String percent(Map<String, Double> shares) {
    double total = shares.values().stream().mapToDouble(Double::doubleValue).sum();
    return shares.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .map(e -> String.format(Locale.ROOT, "%s %.0f %%", e.getKey(), 100 * e.getValue() / total))
        .collect(Collectors.joining(", "));
  }

  /** Shares from alternating keys and values, in that order. */
  public static Map<String, Double> shares(Object... kv) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], ((Number) kv[i + 1]).doubleValue());
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
