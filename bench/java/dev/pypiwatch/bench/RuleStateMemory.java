package dev.pypiwatch.bench;

import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.rules.RuleEngine;
import dev.pypiwatch.rules.RulesConfig;
import java.lang.management.ManagementFactory;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The live heap of the rule stage's {@link RuleEngine} holding N packages x 180 days x the 25
 * series a package has (overall with and without mirrors, python_major 2/3/unknown, python_minor
 * 2.6, 2.7, 3.3-3.14 and unknown, windows/linux/darwin/other/unknown), each day recorded and
 * evaluated in date order as the rule stage does, against an empty engine. Counts are log-uniform
 * from 10 to 5 million a day with weekend dips and noise; package 0 is an {@code __all__}-like
 * total whose with_mirrors counts exceed the int range. Plain {@code main}: heap after full GCs,
 * not time.
 *
 * <p>{@code -Dpackages=} (default 10000), {@code -Ddays=} (default 180), {@code -Dhistogram=true}
 * prints the top of {@code jcmd <pid> GC.class_histogram} (live objects by class).
 */
public final class RuleStateMemory {
  private static final LocalDate NEWEST = LocalDate.of(2026, 12, 5);
  private static final Map<Endpoint, List<String>> CATEGORIES = new LinkedHashMap<>();

  static {
    CATEGORIES.put(Endpoint.OVERALL, List.of(Categories.WITH_MIRRORS, Categories.WITHOUT_MIRRORS));
    CATEGORIES.put(Endpoint.PYTHON_MAJOR, List.of("2", "3", Categories.UNKNOWN));
    List<String> minor = new ArrayList<>(List.of("2.6", "2.7"));
    for (int m = 3; m <= 14; m++) {
      minor.add("3." + m);
    }
    minor.add(Categories.UNKNOWN);
    CATEGORIES.put(Endpoint.PYTHON_MINOR, minor);
    CATEGORIES.put(Endpoint.SYSTEM, List.of("windows", "linux", "darwin", "other", Categories.UNKNOWN));
  }

  private RuleStateMemory() {}

  public static void main(String[] args) {
    int packages = Integer.getInteger("packages", 10_000);
    int days = Integer.getInteger("days", 180);
    int series = series();
    RuleEngine engine = new RuleEngine(RulesConfig.DEFAULTS);
    long empty = liveHeap();
    long alerts = 0;
    long started = System.nanoTime();
    for (int p = 0; p < packages; p++) {
      alerts += fill(engine, p, NEWEST, days);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    long arrays = 0;
    for (String pkg : engine.packages()) {
      arrays += engine.footprintBytes(pkg);
    }
    long full = liveHeap();
    long state = full - empty;
    System.out.printf("%,d packages x %d days x %d series, %,d alert transitions, filled in %.1f s%n",
        packages, days, series, alerts, seconds);
    System.out.printf("empty engine: %.1f MB live heap (the JVM's own and the bench's)%n", mb(empty));
    System.out.printf("filled: %.1f MB live heap; rule state %.1f MB, %.1f KB a package (%.0f bytes a series-day)%n",
        mb(full), mb(state), state / 1024.0 / packages, (double) state / packages / series / days);
    System.out.printf("arrays by their lengths (RuleEngine.footprintBytes): %.1f MB, %.1f KB a package%n",
        mb(arrays), arrays / 1024.0 / packages);
    if (Boolean.getBoolean("histogram")) {
      histogram();
    }
    if (engine.packages().size() != packages) { // keeps the engine reachable through the measurement
      throw new AssertionError("packages lost");
    }
  }

  /**
   * Records {@code days} days of package number {@code p} (0 is the {@code __all__}-like one) up
   * to {@code newest}, evaluating each day after its records as the rule stage does; returns the
   * alert transitions' count. The footprint test fills its package the same way.
   */
  public static long fill(RuleEngine engine, int p, LocalDate newest, int days) {
    long[] alerts = new long[1];
    records(p, newest, days, engine::record, d -> alerts[0] += engine.evaluateThrough(name(p), d).size());
    return alerts[0];
  }

  /**
   * Hands {@code sink} the records of package number {@code p}'s {@code days} days up to {@code
   * newest}, day by day (the same as {@link #fill} records), and {@code dayDone} each day after its
   * records.
   */
  public static void records(int p, LocalDate newest, int days, Consumer<DownloadRecord> sink,
      Consumer<LocalDate> dayDone) {
    String pkg = name(p);
    double scale = p == 0 ? 2.0e9 : Math.pow(10, 1 + 5.7 * new SplittableRandom(p).nextDouble());
    SplittableRandom noise = new SplittableRandom(1_000_003L * p + 7);
    for (LocalDate d = newest.minusDays(days - 1L); !d.isAfter(newest); d = d.plusDays(1)) {
      record(sink, pkg, d, scale, noise);
      dayDone.accept(d);
    }
  }

  /** The name of package number {@code p}. */
  public static String name(int p) {
    return p == 0 ? "__all__" : "package-" + p;
  }

  /** How many series a package has. */
  public static int series() {
    return CATEGORIES.values().stream().mapToInt(List::size).sum();
  }

  /** One day's records of {@code pkg}: a total with weekend dips and noise, split into shares. */
  private static void record(Consumer<DownloadRecord> engine, String pkg, LocalDate d, double scale,
      SplittableRandom noise) {
    boolean weekend = d.getDayOfWeek() == DayOfWeek.SATURDAY || d.getDayOfWeek() == DayOfWeek.SUNDAY;
    double total = scale * (weekend ? 0.65 : 1.0) * (0.9 + 0.2 * noise.nextDouble());
    for (var e : CATEGORIES.entrySet()) {
      List<String> cs = e.getValue();
      if (e.getKey() == Endpoint.OVERALL) {
        // Mirrors add a third: __all__'s with_mirrors passes 2^31.
        engine.accept(new DownloadRecord(pkg, e.getKey(), Categories.WITH_MIRRORS, d, Math.round(total * 1.3)));
        engine.accept(new DownloadRecord(pkg, e.getKey(), Categories.WITHOUT_MIRRORS, d, Math.round(total)));
        continue;
      }
      // Shares falling geometrically over the categories, jittered a little each day.
      double[] w = new double[cs.size()];
      double sum = 0;
      for (int i = 0; i < w.length; i++) {
        w[i] = Math.pow(0.6, i) * (0.95 + 0.1 * noise.nextDouble());
        sum += w[i];
      }
      for (int i = 0; i < w.length; i++) {
        engine.accept(new DownloadRecord(pkg, e.getKey(), cs.get(i), d, Math.round(total * w[i] / sum)));
      }
    }
  }

  private static void histogram() {
    try {
      Process p = new ProcessBuilder("jcmd", Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
          .redirectErrorStream(true).start();
      try (var lines = p.inputReader().lines()) {
        lines.limit(16).forEach(System.out::println);
      }
      p.waitFor();
    } catch (java.io.IOException e) {
      System.out.println("no histogram: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static double mb(long bytes) {
    return bytes / 1024.0 / 1024.0;
  }

  private static long liveHeap() {
    for (int i = 0; i < 4; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
