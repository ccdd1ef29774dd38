package dev.pypiwatch.rules;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** Plays a {@link RealSeries} into a {@link RuleEngine} day by day, as the rule verticle would. */
public final class SeriesReplay {
  /**
   * {@code without_mirrors} as a share of {@code with_mirrors} for an overall-only series (the
   * fixture holds only {@code with_mirrors}; mirrors are ~2% of a typical package's downloads).
   */
  public static final double WITHOUT_MIRRORS_SHARE = 0.98;

  private SeriesReplay() {}

  /** The transitions of {@code s}, each day recorded then evaluated ({@link Evaluation#replay}). */
  public static List<Alert> run(RealSeries s, RulesConfig config) {
    return Evaluation.replay(new RealWindows.Days(s), config);
  }

  /**
   * Like {@link #run(RealSeries, RulesConfig)}, but the days in {@code late} arrive only {@code
   * lag} days late (a transient gap): evaluated as unknown, then recorded.
   */
  public static List<Alert> run(RealSeries s, RulesConfig config, Set<Integer> late, int lag) {
    return run(s, config, late, lag, null);
  }

  /**
   * Like {@link #run(RealSeries, RulesConfig, Set, int)}, with an ecosystem reference ({@code
   * __all__}, may be null) recorded day by day as the poller publishes it (overall records only).
   */
  public static List<Alert> run(RealSeries s, RulesConfig config, Set<Integer> late, int lag,
      RealSeries reference) {
    RuleEngine engine = new RuleEngine(config);
    List<Alert> out = new ArrayList<>();
    for (int i = 0; i < s.size(); i++) {
      if (reference != null && i < reference.size() && reference.total(i) >= 0) {
        long t = reference.total(i);
        LocalDate date = reference.date(i);
        engine.record(new DownloadRecord(
            reference.pkg(), Endpoint.OVERALL, Categories.WITHOUT_MIRRORS, date, t));
        engine.record(new DownloadRecord(
            reference.pkg(), Endpoint.OVERALL, Categories.WITH_MIRRORS, date, t));
      }
      if (!late.contains(i)) {
        record(engine, s, i);
      }
      if (late.contains(i - lag)) {
        record(engine, s, i - lag);
      }
      out.addAll(engine.evaluateThrough(s.pkg(), s.date(i)));
    }
    return out;
  }

  /**
   * The day's records: one per OS category and the overall categories (no mirror data); for an
   * overall-only day ({@code with_mirrors} alone), {@code with_mirrors} and {@link
   * #WITHOUT_MIRRORS_SHARE} of it as {@code without_mirrors}. An unknown day records nothing.
   */
  static void record(RuleEngine engine, RealSeries s, int i) {
    record(engine::record, s, i);
  }

  /** {@link #record(RuleEngine, RealSeries, int)} into any sink of records. */
  static void record(Consumer<DownloadRecord> sink, RealSeries s, int i) {
    Map<String, Long> day = s.days().get(i);
    if (day == null) {
      return;
    }
    LocalDate date = s.date(i);
    Long withMirrors = day.get(Categories.WITH_MIRRORS);
    if (withMirrors != null) {
      sink.accept(new DownloadRecord(s.pkg(), Endpoint.OVERALL, Categories.WITH_MIRRORS, date,
          withMirrors));
      sink.accept(new DownloadRecord(s.pkg(), Endpoint.OVERALL, Categories.WITHOUT_MIRRORS, date,
          Math.round(WITHOUT_MIRRORS_SHARE * withMirrors)));
      return;
    }
    long total = 0;
    for (Map.Entry<String, Long> e : day.entrySet()) {
      sink.accept(new DownloadRecord(s.pkg(), Endpoint.SYSTEM, e.getKey(), date, e.getValue()));
      total += e.getValue();
    }
    sink.accept(new DownloadRecord(
        s.pkg(), Endpoint.OVERALL, Categories.WITHOUT_MIRRORS, date, total));
    sink.accept(new DownloadRecord(s.pkg(), Endpoint.OVERALL, Categories.WITH_MIRRORS, date, total));
  }

  /** The firing transitions of {@code rule} (a rule name) in {@code alerts}. */
  public static List<Alert> firing(List<Alert> alerts, String rule) {
    return alerts.stream()
        .filter(a -> a.state() == AlertState.FIRING && a.rule().equals(rule)).toList();
  }
}
