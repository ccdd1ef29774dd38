package dev.pypiwatch.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.bench.RuleStateMemory;
import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The rule state of one package stays small: 10,000 packages must fit well under 512 MB of heap
 * (issue 15). Measured from the arrays' lengths ({@link RuleEngine#footprintBytes}), so the check
 * is exact and does not depend on a GC; the live heap of the whole state is {@code RuleStateMemory}'s
 * (docs/benchmarks.md, section 8). Forgetting the days the rules no longer look back on changes
 * no alert.
 */
class RuleStateFootprintTest {
  private static final LocalDate NEWEST = LocalDate.of(2026, 12, 5);
  /**
   * 180 days x 25 series, every day evaluated: measured 25.6 KB. Before issue 15 the
   * {@code long[]}s alone took ~72 KB (a {@code long[256]} a series, doubled from 64 days, and a
   * day count per endpoint).
   */
  private static final long PACKAGE_BOUND = 27 * 1024;
  /**
   * The same with counts beyond the int range, for the ecosystem reference {@code __all__} (kept
   * whole: other packages read it at their own pace): measured 34.4 KB.
   */
  private static final long HUGE_BOUND = 36 * 1024;

  @Test
  void aPackageOf180DaysAnd25SeriesKeepsItsArraysUnderItsBound() {
    assertFootprint(1, 180, PACKAGE_BOUND);
  }

  @Test
  void aPackageKeepsNoMoreAfterAYearAndAHalf() {
    // The service runs for months without a restart: the days behind the look-back are dropped.
    assertFootprint(1, 550, PACKAGE_BOUND);
  }

  @Test
  void countsBeyondTheIntRangeTakeLongsOnlyWhereNeeded() {
    assertFootprint(0, 180, HUGE_BOUND);
  }

  @Test
  void forgettingTheDaysBehindTheLookBackChangesNoAlert() {
    // Evaluated day by day, an engine forgets the days more than lookBackDays + 30 behind; recorded
    // whole and evaluated once, it forgets nothing until the end. 300 days: 155 judged after a trim.
    List<RealSeries> packages = new ArrayList<>(SyntheticSeries.packages(SyntheticSeries.MID, 20, 11));
    packages.addAll(SyntheticSeries.packages(SyntheticSeries.BUSY, 20, 12));
    RealSeries reference = SyntheticSeries.reference(packages, 13);
    int alerts = 0;
    for (RealSeries s : packages) {
      List<Alert> dayByDay = SeriesReplay.run(s, RulesConfig.DEFAULTS, Set.of(), 0, reference);
      RuleEngine whole = new RuleEngine(RulesConfig.DEFAULTS);
      for (int i = 0; i < s.size(); i++) {
        for (String category : List.of(Categories.WITH_MIRRORS, Categories.WITHOUT_MIRRORS)) {
          whole.record(new DownloadRecord(reference.pkg(), Endpoint.OVERALL, category, reference.date(i),
              reference.total(i)));
        }
        SeriesReplay.record(whole, s, i);
      }
      assertEquals(whole.evaluateThrough(s.pkg(), s.date(s.size() - 1)), dayByDay, s.pkg());
      assertTrue(whole.footprintBytes(s.pkg()) > 0);
      alerts += dayByDay.size();
    }
    assertTrue(alerts > 20, alerts + " alerts: too few to tell");
  }

  private static void assertFootprint(int p, int days, long bound) {
    RuleEngine engine = new RuleEngine(RulesConfig.DEFAULTS);
    RuleStateMemory.fill(engine, p, NEWEST, days);
    long bytes = engine.footprintBytes(RuleStateMemory.name(p));
    System.out.printf("%s: %,d bytes (%.1f KB) for %d days x %d series%n", RuleStateMemory.name(p), bytes,
        bytes / 1024.0, days, RuleStateMemory.series());
    assertTrue(bytes <= bound, () -> RuleStateMemory.name(p) + ": " + bytes + " bytes of arrays > " + bound
        + " (" + days + " days x 25 series); did an array grow, or a new one per series or day appear?");
  }
}
