package dev.pypiwatch.rules;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntToLongFunction;

/** Named daily series with hand-checked expectations, for the rule tests. */
public final class RulesTesting {
  public static final String PKG = "pip";
  /** A Wednesday, so that day 100 is a Friday. */
  public static final LocalDate START = LocalDate.of(2025, 12, 24);
  public static final int DAYS = 120;
  public static final double ALLOWED_ERROR = 1e-3;

  /** 20,000 on weekdays, 12,000 at weekends, no noise. The spike floor (0.10) is the scale. */
  public static final IntToLongFunction FLAT_WEEKLY_20K = i -> weekend(i) ? 12_000 : 20_000;
  /** Day 100 (a Friday) is 60,000: score ln(60001/20001)/0.10 = 10.99 (noise at the floor). */
  public static final int FRIDAY = 100;
  public static final IntToLongFunction SPIKE_X3_ON_FRIDAY =
      i -> i == FRIDAY ? 60_000 : FLAT_WEEKLY_20K.applyAsLong(i);
  public static final double SPIKE_X3_SCORE = Math.log(60_001.0 / 20_001.0) / 0.10;
  /**
   * Days 85-91 (Thursday 2026-03-19 on, no holiday) at half: flagged on day 88 (Sunday; the first
   * 5-day window at most 65% of its baselines: four low days), score -(2 ln(10001/20001) + 2
   * ln(6001/12001)) / 5 sqrt 5 / 0.10.
   */
  public static final int HALF_FROM = 85;
  public static final IntToLongFunction WEEK_AT_HALF = weekAt(HALF_FROM, 0.5);
  public static final double WEEK_AT_HALF_SCORE =
      -(2 * Math.log(10_001.0 / 20_001.0) + 2 * Math.log(6_001.0 / 12_001.0)) / 5 * Math.sqrt(5)
          / 0.10;
  /** A tiny package: 3 a day, 12 on day 100. Below every floor. */
  public static final IntToLongFunction TINY_3_TO_12 = i -> i == FRIDAY ? 12 : 3;
  /** The same number every day. */
  public static final IntToLongFunction CONSTANT_5K = i -> 5_000;

  private RulesTesting() {}

  /** {@link #FLAT_WEEKLY_20K} at {@code factor} for the 7 days from day {@code from}. */
  public static IntToLongFunction weekAt(int from, double factor) {
    return i -> Math.round(FLAT_WEEKLY_20K.applyAsLong(i) * (i >= from && i < from + 7 ? factor : 1));
  }

  public static boolean weekend(int i) {
    DayOfWeek d = START.plusDays(i).getDayOfWeek();
    return d == DayOfWeek.SATURDAY || d == DayOfWeek.SUNDAY;
  }

  /** Multiplicative log-normal noise of sd {@code sd} on {@code f}, seeded. */
  public static IntToLongFunction noisy(IntToLongFunction f, double sd, long seed) {
    double[] eps = new double[DAYS];
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < DAYS; i++) {
      eps[i] = gaussian(r) * sd;
    }
    return i -> Math.round(f.applyAsLong(i) * Math.exp(eps[i]));
  }

  public static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  /** The overall without_mirrors records of {@code f} for days 0 to {@code DAYS - 1}. */
  public static List<DownloadRecord> overall(IntToLongFunction f) {
    List<DownloadRecord> out = new ArrayList<>();
    for (int i = 0; i < DAYS; i++) {
      out.add(new DownloadRecord(PKG, Endpoint.OVERALL, Categories.WITHOUT_MIRRORS,
          START.plusDays(i), f.applyAsLong(i)));
    }
    return out;
  }

  /** System records: 10,000 a day split by the shares of {@code shares.apply(day)}. */
  public static List<DownloadRecord> system(java.util.function.IntFunction<Map<String, Double>> shares) {
    List<DownloadRecord> out = new ArrayList<>();
    for (int i = 0; i < DAYS; i++) {
      LocalDate d = START.plusDays(i);
      shares.apply(i).forEach((c, s) ->
          out.add(new DownloadRecord(PKG, Endpoint.SYSTEM, c, d, Math.round(10_000 * s))));
    }
    return out;
  }

  /** An engine with {@code records} recorded, evaluated through the last day. */
  public static List<Alert> evaluate(RulesConfig config, List<DownloadRecord> records) {
    RuleEngine e = new RuleEngine(config);
    records.forEach(e::record);
    return e.evaluateThrough(PKG, START.plusDays(DAYS - 1));
  }

  public static List<Alert> firing(List<Alert> alerts) {
    return alerts.stream().filter(a -> a.state() == AlertState.FIRING).toList();
  }
}
