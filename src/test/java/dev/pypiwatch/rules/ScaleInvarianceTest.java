package dev.pypiwatch.rules;

import static dev.pypiwatch.rules.RulesTesting.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pypiwatch.events.Alert;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;

/** Properties over many seeded random series: scale invariance and constant series. */
class ScaleInvarianceTest {
  private static final int SERIES = 40;

  @Test
  void multiplyingASeriesAboveTheFloorsKeepsEveryVerdict() {
    SplittableRandom r = new SplittableRandom(20260404);
    for (int k = 0; k < SERIES; k++) {
      IntToLongFunction base = randomSeries(r);
      for (long c : new long[] {3, 10}) {
        IntToLongFunction scaled = i -> c * base.applyAsLong(i);
        assertEquals(verdicts(base), verdicts(scaled), "series " + k + " times " + c);
      }
    }
  }

  @Test
  void aConstantSeriesNeverAlerts() {
    for (long level : new long[] {0, 1, 7, 50, 5_000, 2_000_000}) {
      List<Alert> alerts = evaluate(RulesConfig.DEFAULTS, overall(i -> level));
      assertEquals(List.of(), alerts, "constant " + level);
    }
  }

  /** Weekly shape at 2k-200k a day, log-normal noise 0.05-0.3, sometimes a spike or a drop. */
  private static IntToLongFunction randomSeries(SplittableRandom r) {
    double level = 2_000 * Math.pow(100, r.nextDouble());
    double weekend = 0.5 + 0.5 * r.nextDouble();
    double sd = 0.05 + 0.25 * r.nextDouble();
    int at = 60 + r.nextInt(50);
    double factor = r.nextBoolean() ? 1 + 4 * r.nextDouble() : 0.2 + 0.8 * r.nextDouble();
    int len = r.nextBoolean() ? 1 : 7;
    IntToLongFunction shape = i -> Math.round(level * (weekend(i) ? weekend : 1)
        * (i >= at && i < at + len ? factor : 1));
    return noisy(shape, sd, r.nextLong());
  }

  private static List<String> verdicts(IntToLongFunction f) {
    return evaluate(RulesConfig.DEFAULTS, overall(f)).stream()
        .filter(a -> a.rule().equals("spike") || a.rule().equals("drop"))
        .map(a -> a.fingerprint() + " " + a.state() + " " + a.date()).toList();
  }
}
