package dev.pypiwatch.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The replay, including packages replayed in parallel shards that share the ecosystem reference. */
class BacktestTest {
  private static final LocalDate START = LocalDate.of(2025, 10, 6);
  private static final int DAYS = 84;
  private static final int LOW_FROM = 70;

  /** A weekday-seasonal series with days [LOW_FROM, LOW_FROM+7) at {@code lowFactor}. */
  private static List<DownloadRecord> series(String pkg, long level, double lowFactor) {
    List<DownloadRecord> out = new ArrayList<>();
    for (int i = 0; i < DAYS; i++) {
      LocalDate d = START.plusDays(i);
      double weekly = d.getDayOfWeek().getValue() >= 6 ? 0.6 : 1.0;
      double factor = i >= LOW_FROM && i < LOW_FROM + 7 ? lowFactor : 1.0;
      long x = Math.round(level * weekly * factor * (1 + 0.03 * Math.sin(i * 1.7)));
      out.add(new DownloadRecord(pkg, Endpoint.OVERALL, "without_mirrors", d, x));
    }
    return out;
  }

  private static List<Alert> drops(Map<String, List<DownloadRecord>> input) {
    return new Backtest(RulesConfig.DEFAULTS).run(input, null, null).alerts().stream()
        .filter(a -> a.rule().equals("drop") && a.state() == AlertState.FIRING).toList();
  }

  @Test
  void aFallOfTwoPackagesAloneIsReportedForEach() {
    List<Alert> drops = drops(Map.of("a", series("a", 10_000, 0.3), "b", series("b", 20_000, 0.3),
        "__all__", series("__all__", 50_000_000, 1.0)));
    assertEquals(List.of("a", "b"), drops.stream().map(Alert::packageName).sorted().toList(), drops.toString());
  }

  @Test
  void aFallTheEcosystemShowsTooIsNotReportedInAnyShard() {
    List<Alert> drops = drops(Map.of("a", series("a", 10_000, 0.3), "b", series("b", 20_000, 0.3),
        "__all__", series("__all__", 50_000_000, 0.3)));
    assertTrue(drops.stream().noneMatch(a -> !a.packageName().equals("__all__")), drops.toString());
  }

  @Test
  void alertsComeOrderedByDateThenPackage() {
    List<Alert> all = new Backtest(RulesConfig.DEFAULTS).run(Map.of("a", series("a", 10_000, 0.3),
        "b", series("b", 20_000, 0.3), "c", series("c", 5_000, 0.3)), null, null).alerts();
    for (int i = 1; i < all.size(); i++) {
      Alert p = all.get(i - 1);
      Alert q = all.get(i);
      assertTrue(p.date().isBefore(q.date())
          || (p.date().equals(q.date()) && p.packageName().compareTo(q.packageName()) <= 0), all.toString());
    }
  }

  @Test
  void packagesReplayedOneAtATimeGiveWhatRunGives() {
    Map<String, List<DownloadRecord>> input = Map.of("a", series("a", 10_000, 0.3),
        "b", series("b", 20_000, 1.0), "c", series("c", 5_000, 0.2),
        "__all__", series("__all__", 50_000_000, 0.5));
    Backtest backtest = new Backtest(RulesConfig.DEFAULTS);
    LocalDate from = START.plusDays(LOW_FROM + 2);
    Backtest.Result run = backtest.run(input, from, null);
    // One replayer, packages in reverse name order: each is forgotten before the next.
    Backtest.Replayer replayer = backtest.replayer(Map.of("__all__", input.get("__all__")), from, null);
    List<Backtest.Replayed> replayed = new ArrayList<>();
    for (String pkg : List.of("c", "b", "a", "__all__")) {
      replayed.add(replayer.replay(pkg, input.get(pkg)));
    }
    Backtest.Result oneByOne = Backtest.result(replayed);
    assertEquals(run, oneByOne);
    assertTrue(!run.alerts().isEmpty() && run.alerts().stream().noneMatch(a -> a.date().isBefore(from)));
    assertEquals(4, run.packages());
    assertEquals(4 * DAYS, run.records());
  }
}
