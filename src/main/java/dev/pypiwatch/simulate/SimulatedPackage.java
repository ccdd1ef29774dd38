package dev.pypiwatch.simulate;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The true daily counts of one simulated package: generated lazily, deterministically from
 * (seed, package, date), cached, with revisions applied on top.
 */
final class SimulatedPackage {
  private static final double SHARE_NOISE = 0.05;
  private static final int EXACT_SPLIT_LIMIT = 500;

  private final String name;
  private final Profile profile;
  private final long seed;
  private final Map<Long, SimulatedDay> generated = new HashMap<>();
  private final Map<Long, Long> revisions = new HashMap<>();

  SimulatedPackage(String name, Profile profile, long seed) {
    this.name = name;
    this.profile = profile;
    this.seed = seed;
  }

  String name() {
    return name;
  }

  Profile profile() {
    return profile;
  }

  /** The day's counts including revisions (ignores holes, drops and the window). */
  SimulatedDay day(LocalDate date) {
    long key = date.toEpochDay();
    SimulatedDay base = generated.computeIfAbsent(key, k -> generate(date));
    Long delta = revisions.get(key);
    return delta == null ? base : revise(base, delta);
  }

  /** Adds {@code delta} to the day's revision; fails without change if a count would go negative. */
  void revise(LocalDate date, long delta) {
    long key = date.toEpochDay();
    long total = revisions.getOrDefault(key, 0L) + delta;
    revise(generated.computeIfAbsent(key, k -> generate(date)), total); // validates
    revisions.put(key, total);
  }

  private SimulatedDay revise(SimulatedDay base, long delta) {
    return base.revised(delta, SimulatedDay.largest(toLongs(profile.minorShares()), "3.12"),
        SimulatedDay.largest(toLongs(profile.osShares()), "Linux"));
  }

  private static Map<String, Long> toLongs(Map<String, Double> shares) {
    Map<String, Long> out = new TreeMap<>();
    shares.forEach((k, v) -> out.put(k, Math.round(v * 1_000_000)));
    return out;
  }

  private SimulatedDay generate(LocalDate date) {
    SplittableRandom r = new SplittableRandom(seedFor(seed, name, date));
    boolean constant = profile.kind() == Profile.Kind.CONSTANT;
    long n;
    long mirrors;
    if (constant) {
      n = Math.round(profile.mean() * profile.factor(date));
      mirrors = Math.round(n * profile.mirrorMin());
    } else {
      DayOfWeek dow = date.getDayOfWeek();
      boolean weekend = dow == DayOfWeek.SATURDAY || dow == DayOfWeek.SUNDAY;
      double sigma = profile.noise();
      double lambda = profile.mean() * (weekend ? profile.weekendFactor() : 1.0)
          * profile.factor(date) * Math.exp(sigma * r.nextGaussian() - sigma * sigma / 2);
      n = poisson(r, lambda);
      double rate = profile.mirrorMin()
          + (profile.mirrorMax() - profile.mirrorMin()) * r.nextDouble();
      mirrors = n == 0 ? 0 : Math.round(n * rate);
    }
    Map<String, Long> minor = split(r, n, profile.minorSharesOn(date), constant);
    Map<String, Long> system = split(r, n, profile.osSharesOn(date), constant);
    return SimulatedDay.of(n, mirrors, minor, system);
  }

  /** A seed from (seed, package, date) that does not depend on the order of calls. */
  static long seedFor(long seed, String name, LocalDate date) {
    return mix(mix(mix(seed) + name.hashCode()) + date.toEpochDay());
  }

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  private static long poisson(SplittableRandom r, double lambda) {
    if (lambda <= 0) {
      return 0;
    }
    if (lambda > 50) {
      return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * r.nextGaussian()));
    }
    double limit = Math.exp(-lambda);
    double p = r.nextDouble();
    long k = 0;
    while (p > limit) {
      p *= r.nextDouble();
      k++;
    }
    return k;
  }

  /** {@code n} split over {@code shares}: exact shares, one draw per download, or noisy shares. */
  private static Map<String, Long> split(SplittableRandom r, long n, Map<String, Double> shares,
      boolean exact) {
    List<String> keys = new ArrayList<>(shares.keySet());
    double[] w = new double[keys.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = shares.get(keys.get(i));
    }
    if (!exact && n <= EXACT_SPLIT_LIMIT) {
      long[] counts = new long[w.length];
      double total = sum(w);
      for (long d = 0; d < n; d++) {
        double x = r.nextDouble() * total;
        int i = 0;
        while (i < w.length - 1 && x >= w[i]) {
          x -= w[i];
          i++;
        }
        counts[i]++;
      }
      return toMap(keys, counts);
    }
    if (!exact) {
      for (int i = 0; i < w.length; i++) {
        w[i] *= Math.exp(SHARE_NOISE * r.nextGaussian());
      }
    }
    return toMap(keys, apportion(n, w));
  }

  /** Largest-remainder apportionment of {@code n} by weights {@code w} (ties: first index). */
  static long[] apportion(long n, double[] w) {
    double total = sum(w);
    long[] counts = new long[w.length];
    double[] rest = new double[w.length];
    long given = 0;
    for (int i = 0; i < w.length; i++) {
      double exactShare = n * w[i] / total;
      counts[i] = (long) Math.floor(exactShare);
      rest[i] = exactShare - counts[i];
      given += counts[i];
    }
    while (given < n) {
      int best = 0;
      for (int i = 1; i < w.length; i++) {
        if (rest[i] > rest[best]) {
          best = i;
        }
      }
      counts[best]++;
      rest[best] = -1;
      given++;
    }
    return counts;
  }

  private static double sum(double[] w) {
    double s = 0;
    for (double x : w) {
      s += x;
    }
    return s;
  }

  private static Map<String, Long> toMap(List<String> keys, long[] counts) {
    Map<String, Long> out = new TreeMap<>();
    for (int i = 0; i < counts.length; i++) {
      out.put(keys.get(i), counts[i]);
    }
    return out;
  }
}
