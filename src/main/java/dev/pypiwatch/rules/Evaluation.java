package dev.pypiwatch.rules;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertState;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The injection protocol of issue 13, shared by {@code pypiwatch evaluate} and the detection bench:
 * on one window of a package's daily series (the window's last day is its end), a one-day spike on
 * one seeded random day with data in its last 60 days and a week-long drop starting on one seeded
 * random day 8-50 days before its end, each at every given size, each replayed alone through a
 * fresh {@link RuleEngine}. A spike is found when a spike alert fires on its day; a drop when a drop
 * alert fires within 7 days of its start (the delay is the days from the start to that alert). The
 * untouched window's spike and drop firings in its last 90 days are false episodes. Pure: no I/O.
 */
public final class Evaluation {
  /** Spike days are drawn from the window's last this many days. */
  public static final int SPIKE_SPAN = 60;
  /** A drop starts this many days before the window's end at the latest ... */
  public static final int DROP_LATEST = 8;
  /** ... and this many at the earliest. */
  public static final int DROP_EARLIEST = 50;
  /** How long an injected drop lasts, and how long after its start an alert still finds it. */
  public static final int DROP_DAYS = 7;
  /** False episodes are counted in the window's last this many days (after the cold start). */
  public static final int COUNTED = 90;
  /** A window's length: the 180 days the upstream keeps, so one recording is one window. */
  public static final int WINDOW = 180;
  /** A series shorter than {@link #WINDOW} is one window when it has at least this many days. */
  public static final int MIN_WINDOW = 120;
  /** The tiers by a window's median downloads a day, quietest first. */
  public static final List<String> TIERS = List.of("<100", "100-1k", ">=1k");

  private Evaluation() {}

  /**
   * A package's daily series as the evaluation needs it; implementations keep their own day
   * representation, so an injection changes exactly what they replay.
   */
  public interface Series {
    /** The normalized package name. */
    String pkg();

    /** The number of days. */
    int size();

    /** The date of day {@code i}. */
    LocalDate date(int i);

    /** Day {@code i}'s downloads (the series' headline count); -1 if the day is unknown. */
    long total(int i);

    /** Days {@code from} to {@code from + len - 1} (clipped to the series). */
    Series slice(int from, int len);

    /** Days {@code from} to {@code from + len - 1} with every count times {@code factor}, rounded. */
    Series multiplied(int from, int len, double factor);

    /** Records day {@code i}'s records into {@code engine} (nothing for an unknown day). */
    void record(RuleEngine engine, int i);
  }

  /** The kind of an injection. */
  public enum Kind {
    /** One day multiplied by the size (e.g. x3). */
    SPIKE,
    /** {@value Evaluation#DROP_DAYS} days multiplied by the size (e.g. 0.5: a week at 50 %). */
    DROP
  }

  /** One injection: a kind and its size (the factor on the day's counts). */
  public record Injection(Kind kind, double size) {
    public Injection {
      Objects.requireNonNull(kind, "kind");
      if (!(size > 0) || !Double.isFinite(size) || (kind == Kind.SPIKE ? size <= 1 : size >= 1)) {
        throw new IllegalArgumentException(kind == Kind.SPIKE
            ? "a spike size must be a factor > 1, got " + size
            : "a drop size must be a factor > 0 and < 1, got " + size);
      }
    }

    /** The spike of size {@code factor}. */
    public static Injection spike(double factor) {
      return new Injection(Kind.SPIKE, factor);
    }

    /** The week-long drop to {@code factor} of the usual. */
    public static Injection drop(double factor) {
      return new Injection(Kind.DROP, factor);
    }
  }

  /**
   * What one injection gave.
   *
   * @param injection what was injected
   * @param date the first injected day; null if the window had no day to inject on
   * @param found 1 if detected, 0 if not, -1 if nothing was injected
   * @param delay days from {@code date} to the alert that found it; -1 if not found
   */
  public record Trial(Injection injection, LocalDate date, int found, int delay) {}

  /**
   * What one window measured.
   *
   * @param trials one per injection, in the order given, for each draw of places in turn (draw d's
   *     trial of injection k at {@code d * injections + k})
   * @param falseSpikes spike firings of the untouched window in its counted days
   * @param falseDrops drop firings of the untouched window in its counted days
   * @param countedDays the days false episodes were counted in ({@link #COUNTED}, fewer for a
   *     shorter window)
   * @param clean every transition of the untouched window
   */
  public record Outcome(List<Trial> trials, int falseSpikes, int falseDrops, int countedDays,
      List<Alert> clean) {
    public Outcome {
      trials = List.copyOf(trials);
      clean = List.copyOf(clean);
    }
  }

  /**
   * The generator of window {@code index} (0 the newest) of {@code pkg} under {@code seed}: each
   * window draws its places from its own, so adding a package or a window moves no other place.
   */
  public static Random random(long seed, String pkg, int index) {
    return new Random(seed * 1_000_003L + 31L * pkg.hashCode() + index);
  }

  /** The protocol on {@code window} at {@code config}, its places drawn from {@code random}. */
  public static Outcome measure(Series window, RulesConfig config, Random random,
      List<Injection> injections) {
    return measure(window, config, List.of(random), injections);
  }

  /**
   * The protocol on {@code window} at {@code config} with one draw of places from each of {@code
   * draws}: the untouched window is replayed once, each draw's injections on their own. One place
   * per window is one trial per window: several draws average over where the injections land.
   */
  public static Outcome measure(Series window, RulesConfig config, List<Random> draws,
      List<Injection> injections) {
    int n = window.size();
    int[] spikeDays = IntStream.range(Math.max(0, n - SPIKE_SPAN), n)
        .filter(i -> window.total(i) >= 0).toArray();
    List<Alert> clean = replay(window, config);
    List<Trial> trials = new ArrayList<>();
    for (Random random : draws) {
      // Both places are drawn whatever is injected, so the same seed gives the same places.
      int spike = spikeDays.length == 0 ? -1 : spikeDays[random.nextInt(spikeDays.length)];
      int drop = n - (DROP_LATEST + random.nextInt(DROP_EARLIEST - DROP_LATEST + 1));
      for (Injection in : injections) {
        if (in.kind() == Kind.SPIKE) {
          trials.add(spike < 0 ? new Trial(in, null, -1, -1)
              : trial(in, window, spike, 1, 1, "spike", config));
        } else {
          trials.add(drop < 0 ? new Trial(in, null, -1, -1)
              : trial(in, window, drop, DROP_DAYS, DROP_DAYS, "drop", config));
        }
      }
    }
    int counted = Math.min(COUNTED, n);
    long from = window.date(n - counted).toEpochDay();
    return new Outcome(trials, firedFrom(clean, "spike", from), firedFrom(clean, "drop", from),
        counted, clean);
  }

  /**
   * Injects {@code in} on {@code len} days from {@code at}, replays the window up to the end of the
   * injection and looks for a firing of {@code rule} within {@code within} days of {@code at}.
   */
  private static Trial trial(Injection in, Series window, int at, int len, int within, String rule,
      RulesConfig config) {
    Series s = window.slice(0, at + len).multiplied(at, len, in.size());
    LocalDate start = s.date(at);
    LocalDate last = s.date(at + within - 1);
    return replay(s, config).stream()
        .filter(a -> a.state() == AlertState.FIRING && a.rule().equals(rule))
        .filter(a -> !a.date().isBefore(start) && !a.date().isAfter(last))
        .findFirst()
        .map(a -> new Trial(in, start, 1, (int) (a.date().toEpochDay() - start.toEpochDay())))
        .orElse(new Trial(in, start, 0, -1));
  }

  private static int firedFrom(List<Alert> alerts, String rule, long fromEpochDay) {
    return (int) alerts.stream()
        .filter(a -> a.state() == AlertState.FIRING && a.rule().equals(rule))
        .filter(a -> a.date().toEpochDay() >= fromEpochDay).count();
  }

  /** The transitions of {@code s}, each day recorded then evaluated, as the rule verticle would. */
  public static List<Alert> replay(Series s, RulesConfig config) {
    RuleEngine engine = new RuleEngine(config);
    List<Alert> out = new ArrayList<>();
    for (int i = 0; i < s.size(); i++) {
      s.record(engine, i);
      out.addAll(engine.evaluateThrough(s.pkg(), s.date(i)));
    }
    return out;
  }

  /**
   * One injection's results summed over windows.
   *
   * @param trials windows (times draws) it was injected in
   * @param found of them, those it was found in
   * @param delayDays the sum of the delays of those found
   */
  public record Tally(Injection injection, int trials, int found, int delayDays) {
    /** Found / injected; NaN if never injected. */
    public double recall() {
      return trials == 0 ? Double.NaN : (double) found / trials;
    }

    /** The mean days from an injection to the alert that found it; NaN if none was found. */
    public double meanDelay() {
      return found == 0 ? Double.NaN : (double) delayDays / found;
    }
  }

  /**
   * Outcomes summed (over a package's windows, or a tier's packages).
   *
   * @param windows how many windows
   * @param tallies one per injection, in the order given
   * @param falseEpisodes false spike and drop episodes
   * @param countedDays the days they were counted in
   */
  public record Score(int windows, List<Tally> tallies, int falseEpisodes, int countedDays) {
    public Score {
      tallies = List.copyOf(tallies);
    }

    /** The sum of {@code outcomes}, each measured with {@code injections}. */
    public static Score of(List<Injection> injections, List<Outcome> outcomes) {
      List<Tally> tallies = new ArrayList<>();
      for (int k = 0; k < injections.size(); k++) {
        int trials = 0;
        int found = 0;
        int delay = 0;
        for (Outcome o : outcomes) {
          for (int i = k; i < o.trials().size(); i += injections.size()) {
            Trial t = o.trials().get(i);
            if (t.found() >= 0) {
              trials++;
              found += t.found();
              delay += Math.max(0, t.delay());
            }
          }
        }
        tallies.add(new Tally(injections.get(k), trials, found, delay));
      }
      return new Score(outcomes.size(), tallies,
          outcomes.stream().mapToInt(o -> o.falseSpikes() + o.falseDrops()).sum(),
          outcomes.stream().mapToInt(Outcome::countedDays).sum());
    }

    /** False spike and drop episodes per 90 days; NaN if no day was counted. */
    public double falsePer90() {
      return countedDays == 0 ? Double.NaN : falseEpisodes * 90.0 / countedDays;
    }
  }

  /**
   * The windows of {@code s}, newest first: non-overlapping {@link #WINDOW}-day ones from its last
   * day back; a series shorter than that but of at least {@link #MIN_WINDOW} days is one window.
   */
  public static List<Series> windows(Series s) {
    List<Series> out = new ArrayList<>();
    for (int end = s.size(); end - WINDOW >= 0; end -= WINDOW) {
      out.add(s.slice(end - WINDOW, WINDOW));
    }
    if (out.isEmpty() && s.size() >= MIN_WINDOW) {
      out.add(s);
    }
    return out;
  }

  /** The tier of a window whose median is {@code median} downloads a day ({@link #TIERS}). */
  public static String tier(double median) {
    return median >= 1000 ? TIERS.get(2) : median >= 100 ? TIERS.get(1) : TIERS.get(0);
  }

  /** The median of the known daily totals of {@code s} (NaN if none is known). */
  public static double median(Series s) {
    double[] v = new double[s.size()];
    int n = 0;
    for (int i = 0; i < s.size(); i++) {
      if (s.total(i) >= 0) {
        v[n++] = s.total(i);
      }
    }
    return n == 0 ? Double.NaN : Robust.median(v, n);
  }
}
