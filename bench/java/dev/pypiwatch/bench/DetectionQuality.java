package dev.pypiwatch.bench;

import dev.pypiwatch.config.RulesConfig;
import dev.pypiwatch.rules.Alert;
import dev.pypiwatch.rules.AlertState;
import dev.pypiwatch.rules.SeriesReplay;
import dev.pypiwatch.rules.RealSeries;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Detection quality of the rule engine at default settings, on the 41 real {@code /system}
 * series: recall of injected anomalies by kind, size and volume tier, false alert episodes on
 * untouched series, and alerts caused by holes and transient gaps. A plain {@code main}; results
 * and method in {@code docs/detection.md}.
 */
public final class DetectionQuality {
  /** Sources scaled into the busy tiers must have at least this median: below, zeros dominate. */
  static final double MIN_SOURCE_MEDIAN = 10;
  static final int WARM_UP = 63;
  static final int POSITIONS = 8;

  private record Tier(String name, Function<RealSeries, RealSeries> make) {}

  private record Injection(String kind, Function<RealSeries, RealSeries> inject, String rule,
      String category, int within) {}

  /** Per tier and injection: hits, trials, summed delays. */
  private static final Map<String, long[]> RESULTS = new LinkedHashMap<>();

  private DetectionQuality() {}

  public static void main(String[] args) {
    RulesConfig config = RulesConfig.DEFAULTS;
    List<RealSeries> all = RealSeries.loadAll();
    System.out.println("| package | median/day | day-to-day ln noise |");
    System.out.println("|---|---|---|");
    for (RealSeries s : all) {
      System.out.printf(Locale.ROOT, "| %s | %.0f | %.2f |%n", s.pkg(), s.medianTotal(),
          s.dayToDayNoise());
    }
    List<RealSeries> sources = all.stream()
        .filter(s -> s.medianTotal() >= MIN_SOURCE_MEDIAN && s.size() >= 150).toList();
    // A source stands for a tier when its day-to-day noise is at most 1.5 times the tier's
    // measured noise (0.14 at >= 1k, 0.29 at 100-1k, notes/detection.md): scaling keeps the
    // shape and its noise, so a noisy small package scaled up is noisier than a real big one.
    scaledTier(">=1k: noise <= 0.21, scaled to median 5000", sources, 0.21, 5000, config);
    scaledTier("100-1k: noise <= 0.44, scaled to median 300", sources, 0.44, 300, config);
    scaledTier("stress: every source >= 10/day, scaled to median 5000", sources, 9, 5000, config);
    for (RealSeries s : all) {
      if (s.size() >= 150) {
        measure("unscaled " + nativeTier(s.medianTotal()), s, config);
      }
    }
    print();
  }

  private static void scaledTier(String name, List<RealSeries> sources, double maxNoise,
      double median, RulesConfig config) {
    for (RealSeries src : sources) {
      if (src.dayToDayNoise() <= maxNoise) {
        measure(name, src.scaled(median / src.medianTotal()), config);
      }
    }
  }

  private static String nativeTier(double median) {
    return median < 10 ? "<10" : median < 100 ? "10-100" : median < 1000 ? "100-1k" : ">=1k";
  }

  private static void measure(String tier, RealSeries s, RulesConfig config) {
    List<Alert> clean = SeriesReplay.run(s, config);
    int days = s.size() - 28;
    add(tier, "false spike+drop episodes / 90 days", count(clean, "spike") + count(clean, "drop"),
        days / 90.0, 0);
    add(tier, "false os-shift episodes / 90 days", count(clean, "os-shift"), days / 90.0, 0);
    add(tier, "packages", 1, 1, 0);
    String named = windowsShare(s) < 0.5 ? "windows" : "linux";
    double sign = windowsShare(s) < 0.5 ? 1 : -1;
    List<Injection> kinds = List.of(
        new Injection("spike x3 (same day)", null, "spike", null, 0),
        new Injection("spike x5 (same day)", null, "spike", null, 0),
        new Injection("week at 50% (within 7 days)", null, "drop", null, 6),
        new Injection("week at 20% (within 7 days)", null, "drop", null, 6),
        new Injection("share shift 10 pp (within 7 days)", null, "os-shift", named, 6),
        new Injection("share shift 20 pp (within 7 days)", null, "os-shift", named, 6));
    Set<String> cleanFiring = keys(clean);
    int step = (s.size() - WARM_UP - 10) / POSITIONS;
    for (int k = 0; k < POSITIONS; k++) {
      int p = WARM_UP + k * step;
      RealSeries[] injected = {
          s.multiplied(p, 1, 3), s.multiplied(p, 1, 5), s.multiplied(p, 7, 0.5),
          s.multiplied(p, 7, 0.2), s.shifted(p, named, sign * 0.10), s.shifted(p, named, sign * 0.20)};
      for (int i = 0; i < kinds.size(); i++) {
        Injection inj = kinds.get(i);
        detect(tier, inj, SeriesReplay.run(injected[i], config), s, p);
      }
      holes(tier, s, config, p, cleanFiring);
    }
  }

  private static void detect(String tier, Injection inj, List<Alert> alerts, RealSeries s, int p) {
    int delay = -1;
    for (Alert a : SeriesReplay.firing(alerts, inj.rule())) {
      long d = a.date().toEpochDay() - s.date(p).toEpochDay();
      boolean right = inj.category() == null || inj.category().equals(a.category());
      if (right && d >= 0 && d <= inj.within()) {
        delay = (int) d;
        break;
      }
    }
    add(tier, inj.kind(), delay >= 0 ? 1 : 0, 1, Math.max(0, delay));
  }

  private static void holes(String tier, RealSeries s, RulesConfig config, int h, Set<String> clean) {
    List<Alert> holed = SeriesReplay.run(s.withHole(h), config);
    List<Alert> gap = SeriesReplay.run(s, config, Set.of(h), 2);
    add(tier, "alerts caused by a hole (new episode, hole day to +3)", extra(holed, clean, s, h, 0, 3), 1, 0);
    add(tier, "verdict flips after a hole (new episode, +4 to +14)", extra(holed, clean, s, h, 4, 14), 1, 0);
    add(tier, "alerts caused by a 2-day transient gap (to +3)", extra(gap, clean, s, h, 0, 3), 1, 0);
    add(tier, "verdict flips after a 2-day gap (+4 to +14)", extra(gap, clean, s, h, 4, 14), 1, 0);
  }

  /**
   * Firing alerts from {@code h + from} to {@code h + to} that are no episode of the untouched run:
   * no firing of the same fingerprint within 3 days (a drop flagged a day later because the hole
   * day was skipped is the same episode, not a new alert).
   */
  private static long extra(List<Alert> alerts, Set<String> clean, RealSeries s, int h, int from,
      int to) {
    long hole = s.date(h).toEpochDay();
    return alerts.stream().filter(a -> a.state() == AlertState.FIRING)
        .filter(a -> a.date().toEpochDay() >= hole + from && a.date().toEpochDay() <= hole + to)
        .filter(a -> java.util.stream.IntStream.rangeClosed(-3, 3)
            .noneMatch(d -> clean.contains(a.fingerprint() + "@" + a.date().plusDays(d))))
        .count();
  }

  private static Set<String> keys(List<Alert> alerts) {
    Set<String> out = new HashSet<>();
    alerts.stream().filter(a -> a.state() == AlertState.FIRING)
        .forEach(a -> out.add(a.fingerprint() + "@" + a.date()));
    return out;
  }

  private static double windowsShare(RealSeries s) {
    long w = 0;
    long t = 0;
    for (int i = 0; i < s.size(); i++) {
      if (s.days().get(i) != null) {
        w += s.days().get(i).getOrDefault("windows", 0L);
        t += s.total(i);
      }
    }
    return t == 0 ? 0 : (double) w / t;
  }

  private static long count(List<Alert> alerts, String rule) {
    return SeriesReplay.firing(alerts, rule).size();
  }

  private static void add(String tier, String what, long hits, double trials, long delay) {
    long[] r = RESULTS.computeIfAbsent(tier + "\t" + what, k -> new long[3]);
    r[0] += hits;
    r[1] += Math.round(trials * 1000);
    r[2] += delay;
  }

  private static void print() {
    System.out.println();
    System.out.println("| tier | measure | value | n | mean delay (days) |");
    System.out.println("|---|---|---|---|---|");
    List<String> keys = new ArrayList<>(RESULTS.keySet());
    for (String k : keys) {
      long[] r = RESULTS.get(k);
      String[] tw = k.split("\t");
      double trials = r[1] / 1000.0;
      boolean rate = tw[1].startsWith("spike") || tw[1].startsWith("week") || tw[1].startsWith("share");
      String value = tw[1].equals("packages") ? Long.toString(r[0])
          : tw[1].startsWith("alerts") ? Long.toString(r[0])
          : String.format(Locale.ROOT, "%.2f", r[0] / trials);
      String delay = rate && r[0] > 0 ? String.format(Locale.ROOT, "%.1f", (double) r[2] / r[0]) : "";
      System.out.printf(Locale.ROOT, "| %s | %s | %s | %.0f | %s |%n", tw[0], tw[1], value,
          trials, delay);
    }
  }
}
