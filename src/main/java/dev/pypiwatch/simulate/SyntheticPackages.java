package dev.pypiwatch.simulate;

import dev.pypiwatch.events.Endpoint;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in synthetic upstream of {@code pypiwatch simulate}: 30 made-up packages in six volume
 * tiers (about 8 to 1,000,000 downloads a weekday), a weekly cycle, noise calibrated on real
 * series, the upstream's quirks and four {@link PlantedEvent}s the default rules report.
 *
 * <p>Noise calibration (docs/simulate.md): on the development set of real {@code overall}
 * series (186 packages, 2020-06..2023-12, with mirrors), the robust spread (1.4826 x MAD) of the
 * day-over-day log ratio, median per tier, was 1.03 below 30 a day (146 packages, typical 8/day),
 * 0.48 at 30-300 (21, typical 94/day), 0.13 at 300-3,000 (3, typical 635/day) and 0.10 above
 * 3,000 (1 package, 4,400/day). A day's own log noise is that divided by the square root of 2,
 * less the Poisson part (1/level): 0.64, 0.32, 0.08 and 0.072; above that tier 0.07 is assumed.
 * Weekend/weekday medians there were 1.00, 0.97, 0.94 and 0.89; the larger tiers use 0.75 and
 * 0.65 (the weekend troughs of big packages, upstream notes).
 */
public final class SyntheticPackages {
  /** The seed of the built-in series: the same counts on every machine. */
  public static final long SEED = 20_250_701L;

  /** Days before the events day of the whole-day hole (missing for every package). */
  public static final int HOLE_DAYS_BEFORE = 40;

  /** The package whose {@code system} answers 200 with empty data once, as the upstream sometimes does. */
  public static final String TRANSIENT_EMPTY = "lumen-cache";

  /** Python minors 2.7 and 3.8 .. 3.13 and {@code null}, as on a typical package in 2025. */
  public static final Map<String, Double> MINORS = Profile.shares(
      "2.7", 0.003, "3.8", 0.04, "3.9", 0.09, "3.10", 0.14, "3.11", 0.20, "3.12", 0.26,
      "3.13", 0.17, "null", 0.097);

  /** Systems: Linux dominates (CI, containers). */
  public static final Map<String, Double> SYSTEMS = Profile.shares(
      "Linux", 0.80, "Windows", 0.09, "Darwin", 0.06, "other", 0.002, "null", 0.048);

  /** A planted event of a package. */
  public record Planted(String pkg, PlantedEvent event) {
    /** {@code "rocketlib: spike x5 on 2025-06-29 (spike)"}. */
    public String describe() {
      return pkg + ": " + event.describe() + " (rule " + event.rule() + ")";
    }
  }

  /** A volume tier: weekday level and what the calibration gave for it. */
  private record Tier(Profile.Kind kind, double mean, double weekendFactor, double noise) {
    Profile profile() {
      return new Profile(kind, mean, weekendFactor, noise, MINORS, SYSTEMS, 0.01, 0.03, List.of());
    }
  }

  private static final Tier TINY = new Tier(Profile.Kind.TINY, 8, 1.00, 0.64);
  private static final Tier T100 = new Tier(Profile.Kind.BUSY, 100, 0.97, 0.32);
  private static final Tier T1K = new Tier(Profile.Kind.BUSY, 1_000, 0.94, 0.08);
  private static final Tier T10K = new Tier(Profile.Kind.BUSY, 10_000, 0.89, 0.072);
  private static final Tier T100K = new Tier(Profile.Kind.BUSY, 100_000, 0.75, 0.07);
  private static final Tier T1M = new Tier(Profile.Kind.BUSY, 1_000_000, 0.65, 0.07);

  private static final Map<String, Tier> PACKAGES = new LinkedHashMap<>();

  static {
    tier(TINY, "acorn-notes", "pebble-cli", "quill-md", "tinyfsm");
    tier(T100, "dustpan", "fernlog", "gravel-orm", "hazel-ui", "inkwell-pdf");
    tier(T1K, "juniper-http", "kestrel-auth", "lumen-cache", "mosaic-grid", "nimbus-queue");
    tier(T10K, "orbit-sched", "prism-color", "quarry-sql", "rocketlib", "sable-crypto", "winbuild-tools");
    tier(T100K, "tidal-io", "umbra-config", "vector-math", "fading-utils", "willow-test", "snakecharmer");
    tier(T1M, "xylo-core", "yarrow-net", "zephyr-json", "aurora-requests");
  }

  private SyntheticPackages() {}

  private static void tier(Tier tier, String... names) {
    for (String n : names) {
      PACKAGES.put(n, tier);
    }
  }

  /**
   * The planted events, placed so that all of them show in the data served on {@code eventsDay}
   * (whose newest day is the day before): a x5 spike two days before it, a week at 30 % ending
   * then, and Python and OS shifts that started twelve days before it.
   */
  public static List<Planted> planted(LocalDate eventsDay) {
    Map<String, Double> python = new LinkedHashMap<>(MINORS);
    python.put("3.13", 0.40); // from 17 %: a fast upgrade wave
    python.put("3.12", 0.13); // 3.12 and 3.11 give up what 3.13 gains: the shares still sum to 1
    python.put("3.11", 0.10);
    Map<String, Double> os = new LinkedHashMap<>(SYSTEMS);
    os.put("Windows", 0.30); // from 9 %: a Windows build starts pulling the package
    os.put("Linux", 0.59);
    return List.of(
        new Planted("rocketlib", new PlantedEvent.Spike(eventsDay.minusDays(2), 5)),
        new Planted("fading-utils", new PlantedEvent.Drop(eventsDay.minusDays(8), 7, 0.3)),
        new Planted("snakecharmer", new PlantedEvent.PythonShift(eventsDay.minusDays(12), python)),
        new Planted("winbuild-tools", new PlantedEvent.OsShift(eventsDay.minusDays(12), os)));
  }

  /** Every synthetic package name, by tier, smallest first. */
  public static List<String> names() {
    return List.copyOf(PACKAGES.keySet());
  }

  /** The packages without a planted event. */
  public static List<String> quiet() {
    List<String> out = new ArrayList<>(PACKAGES.keySet());
    planted(LocalDate.EPOCH).forEach(p -> out.remove(p.pkg()));
    return out;
  }

  /** The weekday level of {@code pkg}. */
  public static double level(String pkg) {
    return PACKAGES.get(pkg).mean();
  }

  /**
   * The synthetic upstream at {@code today} with its events placed for {@code eventsDay}, the
   * hole {@value #HOLE_DAYS_BEFORE} days before it and one transient empty answer.
   */
  public static SimulatedUpstream upstream(LocalDate today, LocalDate eventsDay) {
    Map<String, Profile> profiles = new LinkedHashMap<>();
    PACKAGES.forEach((n, t) -> profiles.put(n, t.profile()));
    for (Planted p : planted(eventsDay)) {
      profiles.computeIfPresent(p.pkg(), (n, prof) -> prof.withEvent(p.event()));
    }
    SimulatedUpstream sim = new SimulatedUpstream(SEED);
    profiles.forEach(sim::addPackage);
    return sim.hole(eventsDay.minusDays(HOLE_DAYS_BEFORE))
        .transientEmpty(TRANSIENT_EMPTY, Endpoint.SYSTEM)
        .setToday(today);
  }
}
