package dev.pypiwatch.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.events.Endpoint;
import java.time.LocalDate;
import java.time.Month;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link RuleSettings#lookBackDays()} is a promise the rebuild, the engine's forgetting and the
 * downloads topic's retention check rely on: no rule reads a day further back. Each rule judges
 * days of real series once with every day before and once with only the look-back's days, and
 * must find exactly the same (scores included). Christmas to mid-January is judged day by day: the
 * drop window passes over the holidays there and reaches furthest back.
 */
class LookBackTest {
  private static final RulesConfig CONFIG = RulesConfig.DEFAULTS;

  @Test
  void theDefaultLookBackCoversTheLevelOfTheOldestResidualAndTheChristmasHolidays() {
    // drop window 5 + 4 unknown days + 10 Christmas days, residuals 56, their level 14, 6 weeks.
    assertEquals(5 + 4 + 10 + 56 + 14 + 42, CONFIG.lookBackDays());
  }

  @Test
  void noRuleReadsADayOlderThanTheLookBack() {
    int lookBack = CONFIG.lookBackDays();
    List<RealSeries> series = new ArrayList<>(RealSeries.loadOverall(RealSeries.OVERALL).subList(0, 12));
    series.addAll(RealSeries.loadAll()); // the OS series: the share rule's windows
    int judged = 0;
    int findings = 0;
    for (RealSeries s : series) {
      RuleSettings settings = CONFIG.forPackage(s.pkg());
      PackageHistory whole = new PackageHistory();
      for (int i = 0; i < s.size(); i++) {
        SeriesReplay.record(whole::put, s, i);
        LocalDate date = s.date(i);
        if (i < lookBack + 1 || !(aroundChristmas(date) || i % 5 == 0)) {
          continue;
        }
        PackageHistory recent = new PackageHistory();
        for (int j = i - lookBack; j <= i; j++) {
          SeriesReplay.record(recent::put, s, j);
        }
        // The rules' parts, which differ on any value read, finding or not: the baseline of the day
        // and the drop's windows (over holidays, and with them passed over).
        DailySeries a = whole.series(Endpoint.OVERALL, settings.spike().category());
        DailySeries b = recent.series(Endpoint.OVERALL, settings.spike().category());
        int days = settings.drop().days();
        Holidays holidays = settings.drop().holidays();
        assertEquals(Baselines.at(a, date, settings.spike().weeks(), settings.spike().scaleFloor()),
            Baselines.at(b, date, settings.spike().weeks(), settings.spike().scaleFloor()),
            () -> "baseline of " + s.pkg() + " " + date);
        for (Holidays excluded : List.of(Holidays.NONE, holidays)) {
          assertEquals(DropRule.window(a, date, days, settings.spike(), excluded, holidays),
              DropRule.window(b, date, days, settings.spike(), excluded, holidays),
              () -> "drop window of " + s.pkg() + " " + date + " passing over " + excluded.specs());
        }
        for (Rule rule : RuleEngine.RULES) {
          Optional<List<Finding>> expected = rule.evaluate(new Rule.Day(s.pkg(), whole, null, date, settings));
          Optional<List<Finding>> got = rule.evaluate(new Rule.Day(s.pkg(), recent, null, date, settings));
          assertEquals(expected, got, () -> rule.getClass().getSimpleName() + " on " + s.pkg() + " " + date
              + " finds otherwise with only the " + lookBack + " days before: it reads further back");
          findings += expected.map(List::size).orElse(0);
        }
        judged++;
      }
    }
    assertTrue(judged > 1000, judged + " days judged");
    assertTrue(findings > 20, findings + " findings: too few for the check to tell");
  }

  private static boolean aroundChristmas(LocalDate d) {
    return d.getMonth() == Month.DECEMBER && d.getDayOfMonth() >= 20
        || d.getMonth() == Month.JANUARY && d.getDayOfMonth() <= 20;
  }
}
