package dev.pypiwatch.rules;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.bench.RuleStateMemory;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/**
 * The rule state of one package stays small: 10,000 packages must fit well under 512 MB of heap
 * (issue 15). Measured from the arrays' lengths ({@link RuleEngine#footprintBytes}), so the check
 * is exact and does not depend on a GC; the live heap of the whole state is {@code RuleStateMemory}'s
 * (docs/benchmarks.md, section 8).
 */
class RuleStateFootprintTest {
  private static final LocalDate NEWEST = LocalDate.of(2026, 12, 5);
  /**
   * 180 days x 25 series, every day evaluated: measured 29.7 KB. Before issue 15 the same arrays
   * took about 75 KB (a {@code long[256]} a series, doubled from 64 days, and a day count per
   * endpoint).
   */
  private static final long PACKAGE_BOUND = 31 * 1024;
  /** The same with counts beyond the int range (an {@code __all__}-like total): measured 34.8 KB. */
  private static final long HUGE_BOUND = 37 * 1024;

  @Test
  void aPackageOf180DaysAnd25SeriesKeepsItsArraysUnderItsBound() {
    assertFootprint(1, PACKAGE_BOUND);
  }

  @Test
  void countsBeyondTheIntRangeTakeLongsOnlyWhereNeeded() {
    assertFootprint(0, HUGE_BOUND);
  }

  private static void assertFootprint(int p, long bound) {
    RuleEngine engine = new RuleEngine(RulesConfig.DEFAULTS);
    RuleStateMemory.fill(engine, p, NEWEST, 180);
    long bytes = engine.footprintBytes(RuleStateMemory.name(p));
    System.out.printf("%s: %,d bytes (%.1f KB) for 180 days x %d series%n", RuleStateMemory.name(p), bytes,
        bytes / 1024.0, RuleStateMemory.series());
    assertTrue(bytes <= bound, () -> RuleStateMemory.name(p) + ": " + bytes + " bytes of arrays > " + bound
        + " (180 days x 25 series); did an array grow, or a new one per series or day appear?");
  }
}
