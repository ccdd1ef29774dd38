package dev.pypiwatch.rules;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The real-series protocol of issue 13, shared by {@code bench/.../DetectionQuality} and {@link
 * DetectionQualityTest}: non-overlapping 180-day windows of each package's overall {@code
 * with_mirrors} series ({@link RealSeries#loadOverall}), newest first, kept when the window's median
 * (of its known days) is at least 100/day; per window an untouched copy, a x3 and a x5 one-day
 * spike on one seeded random day with data in its last 60 days, and a week at 50% and at 20%
 * starting on one seeded random day 8-50 days before its end. Holes stay holes.
 */
public final class RealWindows {
  public static final int DAYS = 180;
  public static final double MIN_MEDIAN = 100;
  /** The protocol's seed; each window draws from its own generator (package, index, seed). */
  public static final long SEED = 13;
  /** False episodes are counted in the window's last 90 days (after the cold start). */
  public static final int COUNTED = 90;

  private RealWindows() {}

  /**
   * One window.
   *
   * @param index 0 for a package's newest window, 1 for the one before, ...
   * @param median the median of its known days
   */
  public record Window(String pkg, int index, RealSeries series, double median) {
    /** {@code >=1k} or {@code 100-1k}, by the window's median. */
    public String tier() {
      return median >= 1000 ? ">=1k" : "100-1k";
    }

    /**
     * The split against tuning to exact days: {@code 2020-2021} or {@code 2022-2023}, by the year of
     * the middle of the window's last 90 days (where the injections and counted episodes are).
     */
    public String half() {
      return series.date(DAYS - COUNTED / 2).getYear() >= 2022 ? "2022-2023" : "2020-2021";
    }
  }

  /**
   * What one window measured: hits are 1 or 0 ({@code -1} if the window had no day to inject on).
   *
   * @param holes unknown days in the window
   * @param holeAlerts spike or drop firings from a hole day to 3 days after it
   * @param holeCaused those of them that are no episode (same fingerprint within 3 days) of the
   *     window with its holes filled (each by the mean of the known same-weekday values a week
   *     before and after): alerts the holes caused
   */
  public record Outcome(Window window, int x3, int x5, int week50, int week20, int falseSpikes,
      int falseDrops, int holes, int holeAlerts, int holeCaused) {}

  /** The kept windows of every series, package by package, newest first. */
  public static List<Window> windows(List<RealSeries> all) {
    List<Window> out = new ArrayList<>();
    for (RealSeries s : all) {
      int index = 0;
      for (int end = s.size(); end - DAYS >= 0; end -= DAYS, index++) {
        RealSeries w = s.slice(end - DAYS, DAYS);
        double median = w.medianTotal();
        if (median >= MIN_MEDIAN) {
          out.add(new Window(s.pkg(), index, w, median));
        }
      }
    }
    return out;
  }

  /** The protocol on one window at {@code config}. */
  public static Outcome measure(Window w, RulesConfig config) {
    RealSeries s = w.series();
    Random random = new Random(SEED * 1_000_003L + 31L * w.pkg().hashCode() + w.index());
    int[] spikeDays = IntStream.range(DAYS - 60, DAYS).filter(i -> s.total(i) >= 0).toArray();
    int spike = spikeDays.length == 0 ? -1 : spikeDays[random.nextInt(spikeDays.length)];
    int drop = DAYS - (8 + random.nextInt(43)); // 8..50 days before the end
    List<Alert> clean = SeriesReplay.run(s, config);
    int x3 = spike < 0 ? -1 : spikeOn(s.slice(0, spike + 1).multiplied(spike, 1, 3), config, spike);
    int x5 = spike < 0 ? -1 : spikeOn(s.slice(0, spike + 1).multiplied(spike, 1, 5), config, spike);
    int week50 = dropWithinWeek(s.slice(0, drop + 7).multiplied(drop, 7, 0.5), config, drop);
    int week20 = dropWithinWeek(s.slice(0, drop + 7).multiplied(drop, 7, 0.2), config, drop);
    long from = s.date(DAYS - COUNTED).toEpochDay();
    int falseSpikes = (int) SeriesReplay.firing(clean, "spike").stream()
        .filter(a -> a.date().toEpochDay() >= from).count();
    int falseDrops = (int) SeriesReplay.firing(clean, "drop").stream()
        .filter(a -> a.date().toEpochDay() >= from).count();
    int[] holes = IntStream.range(0, DAYS).filter(i -> s.total(i) < 0).toArray();
    int holeAlerts = 0;
    int holeCaused = 0;
    if (holes.length > 0) {
      Set<String> filled = keys(SeriesReplay.run(filled(s), config));
      for (Alert a : clean) {
        if (a.state() != AlertState.FIRING || !(a.rule().equals("spike") || a.rule().equals("drop"))
            || !afterHole(s, holes, a)) {
          continue;
        }
        holeAlerts++;
        if (IntStream.rangeClosed(-3, 3)
            .noneMatch(d -> filled.contains(a.fingerprint() + "@" + a.date().plusDays(d)))) {
          holeCaused++;
        }
      }
    }
    return new Outcome(w, x3, x5, week50, week20, falseSpikes, falseDrops, holes.length,
        holeAlerts, holeCaused);
  }

  private static boolean afterHole(RealSeries s, int[] holes, Alert a) {
    long day = a.date().toEpochDay();
    for (int h : holes) {
      long hole = s.date(h).toEpochDay();
      if (day >= hole && day <= hole + 3) {
        return true;
      }
    }
    return false;
  }

  /** Each unknown day filled with the mean of the known values 7 days before and after. */
  static RealSeries filled(RealSeries s) {
    List<Map<String, Long>> days = new ArrayList<>(s.days());
    for (int i = 0; i < s.size(); i++) {
      if (s.total(i) >= 0) {
        continue;
      }
      long sum = 0;
      int n = 0;
      for (int j : new int[] {i - 7, i + 7}) {
        if (j >= 0 && j < s.size() && s.total(j) >= 0) {
          sum += s.total(j);
          n++;
        }
      }
      if (n > 0) {
        Map<String, Long> day = new HashMap<>();
        day.put(dev.pypiwatch.events.Categories.WITH_MIRRORS, Math.round((double) sum / n));
        days.set(i, day);
      }
    }
    return new RealSeries(s.pkg(), s.first(), days);
  }

  private static int spikeOn(RealSeries s, RulesConfig config, int p) {
    return SeriesReplay.firing(SeriesReplay.run(s, config), "spike").stream()
        .anyMatch(a -> a.date().equals(s.date(p))) ? 1 : 0;
  }

  private static int dropWithinWeek(RealSeries s, RulesConfig config, int p) {
    return SeriesReplay.firing(SeriesReplay.run(s, config), "drop").stream()
        .anyMatch(a -> !a.date().isBefore(s.date(p)) && !a.date().isAfter(s.date(p + 6))) ? 1 : 0;
  }

  private static Set<String> keys(List<Alert> alerts) {
    Set<String> out = new HashSet<>();
    alerts.stream().filter(a -> a.state() == AlertState.FIRING)
        .forEach(a -> out.add(a.fingerprint() + "@" + a.date()));
    return out;
  }

  /**
   * Sums of outcomes: windows, distinct packages, recall per injection, and false spike+drop
   * episodes (and spikes alone) per package per 90 days (one counted 90-day span per window).
   */
  public record Summary(int windows, int packages, double x3, double x5, double week50,
      double week20, double falsePer90, double falseSpikesPer90, int holes, int holeAlerts,
      int holeCaused) {

    /** The summary of {@code outcomes}. */
    public static Summary of(List<Outcome> outcomes) {
      int n = outcomes.size();
      return new Summary(n, (int) outcomes.stream().map(o -> o.window().pkg()).distinct().count(),
          rate(outcomes, Outcome::x3), rate(outcomes, Outcome::x5),
          rate(outcomes, Outcome::week50), rate(outcomes, Outcome::week20),
          n == 0 ? Double.NaN
              : outcomes.stream().mapToInt(o -> o.falseSpikes() + o.falseDrops()).sum()
                  / (n * COUNTED / 90.0),
          n == 0 ? Double.NaN
              : outcomes.stream().mapToInt(Outcome::falseSpikes).sum() / (n * COUNTED / 90.0),
          outcomes.stream().mapToInt(Outcome::holes).sum(),
          outcomes.stream().mapToInt(Outcome::holeAlerts).sum(),
          outcomes.stream().mapToInt(Outcome::holeCaused).sum());
    }

    private static double rate(List<Outcome> outcomes,
        java.util.function.ToIntFunction<Outcome> hit) {
      int trials = 0;
      int hits = 0;
      for (Outcome o : outcomes) {
        int h = hit.applyAsInt(o);
        if (h >= 0) {
          trials++;
          hits += h;
        }
      }
      return trials == 0 ? Double.NaN : (double) hits / trials;
    }
  }
}
