package dev.pypiwatch.rules;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The real-series protocol of issue 13, shared by {@code bench/.../DetectionQuality} and {@link
 * DetectionQualityTest}: non-overlapping 180-day windows of each package's overall {@code
 * with_mirrors} series ({@link RealSeries#loadOverall}), newest first, kept when the window's median
 * (of its known days) is at least 100/day; per window an untouched copy, a x3 and a x5 one-day
 * spike on one seeded random day with data in its last 60 days, and a week at 50% and at 20%
 * starting on one seeded random day 8-50 days before its end. Holes stay holes. The injection and
 * scoring are {@link Evaluation}'s (main code, also behind {@code pypiwatch evaluate}); this class
 * adds the fixture's windows, tiers and the hole diagnosis.
 */
public final class RealWindows {
  public static final int DAYS = 180;
  public static final double MIN_MEDIAN = 100;
  /** The protocol's seed; each window draws from its own generator (package, index, seed). */
  public static final long SEED = 13;
  /** False episodes are counted in the window's last 90 days (after the cold start). */
  public static final int COUNTED = Evaluation.COUNTED;

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

  /** The protocol's injections, in {@link Outcome}'s order: x3, x5, a week at 50% and at 20%. */
  private static final List<Evaluation.Injection> INJECTIONS = List.of(
      Evaluation.Injection.spike(3), Evaluation.Injection.spike(5),
      Evaluation.Injection.drop(0.5), Evaluation.Injection.drop(0.2));

  /** The protocol on one window at {@code config} ({@link Evaluation}, plus the hole diagnosis). */
  public static Outcome measure(Window w, RulesConfig config) {
    return measure(w, config, SEED);
  }

  /** {@link #measure(Window, RulesConfig)} with its places drawn under {@code seed}. */
  public static Outcome measure(Window w, RulesConfig config, long seed) {
    RealSeries s = w.series();
    Evaluation.Outcome e = Evaluation.measure(new Days(s), config,
        Evaluation.random(seed, w.pkg(), w.index()), INJECTIONS);
    List<Alert> clean = e.clean();
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
    List<Evaluation.Trial> t = e.trials();
    return new Outcome(w, t.get(0).found(), t.get(1).found(), t.get(2).found(), t.get(3).found(),
        e.falseSpikes(), e.falseDrops(), holes.length, holeAlerts, holeCaused);
  }

  /** A {@link RealSeries} as {@link Evaluation} replays it ({@link SeriesReplay#record}). */
  record Days(RealSeries s) implements Evaluation.Series {
    @Override
    public String pkg() {
      return s.pkg();
    }

    @Override
    public int size() {
      return s.size();
    }

    @Override
    public java.time.LocalDate date(int i) {
      return s.date(i);
    }

    @Override
    public long total(int i) {
      return s.total(i);
    }

    @Override
    public Evaluation.Series slice(int from, int len) {
      return new Days(s.slice(from, len));
    }

    @Override
    public Evaluation.Series multiplied(int from, int len, double factor) {
      return new Days(s.multiplied(from, len, factor));
    }

    @Override
    public void record(RuleEngine engine, int i) {
      SeriesReplay.record(engine, s, i);
    }
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
