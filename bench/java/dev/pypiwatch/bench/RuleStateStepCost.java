package dev.pypiwatch.bench;

import dev.pypiwatch.rules.PackageState;
import dev.pypiwatch.rules.RuleEngine;
import dev.pypiwatch.rules.RuleStateCodec;
import dev.pypiwatch.rules.RulesConfig;
import java.time.LocalDate;
import java.util.Arrays;

/**
 * What the rule-state changelog adds to a step, in process: per package, a new day recorded and
 * evaluated (the reference: what a step does for a package every day) vs its state exported and
 * encoded (what the step adds for the changelog), and decoded and imported (what a restore does),
 * for the packages of {@link RuleStateMemory} (25 series) after {@code days} days. Each round adds
 * a day to every package and encodes every package, in alternating order; a first round is not
 * counted (warm-up). Plain {@code main}: nanoTime around each loop over all packages.
 *
 * <p>Args: [packages (default 2000)] [days (default 180)] [rounds (default 5)]. Results:
 * docs/benchmarks.md §11.
 */
public final class RuleStateStepCost {
  private static final LocalDate NEWEST = LocalDate.of(2026, 12, 5);

  private RuleStateStepCost() {}

  public static void main(String[] args) {
    int packages = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int days = args.length > 1 ? Integer.parseInt(args[1]) : 180;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    RuleEngine engine = new RuleEngine(RulesConfig.DEFAULTS);
    for (int p = 1; p <= packages; p++) {
      RuleStateMemory.fill(engine, p, NEWEST, days);
    }
    RuleEngine restored = new RuleEngine(RulesConfig.DEFAULTS);
    double[] step = new double[rounds];
    double[] encode = new double[rounds];
    double[] decode = new double[rounds];
    long bytes = 0;
    long sink = 0;
    byte[][] encoded = new byte[packages + 1][];
    for (int r = -1; r < rounds; r++) { // round -1: warm-up, not counted
      LocalDate day = NEWEST.plusDays(2 + r);
      long stepNs = 0;
      long encodeNs = 0;
      for (int half = 0; half < 2; half++) { // the day first, then the encoding, in alternating order
        if ((half == 0) == (r % 2 == 0)) {
          long t0 = System.nanoTime();
          for (int p = 1; p <= packages; p++) {
            RuleStateMemory.records(p, day, 1, engine::record, d -> {});
            sink += engine.evaluateThrough(RuleStateMemory.name(p), day).size();
          }
          stepNs = System.nanoTime() - t0;
        } else {
          long t0 = System.nanoTime();
          for (int p = 1; p <= packages; p++) {
            encoded[p] = RuleStateCodec.encode(engine.exportState(RuleStateMemory.name(p)).orElseThrow());
          }
          encodeNs = System.nanoTime() - t0;
        }
      }
      long t0 = System.nanoTime();
      for (int p = 1; p <= packages; p++) {
        PackageState s = RuleStateCodec.decode(encoded[p]);
        restored.importState(RuleStateMemory.name(p), s);
      }
      long decodeNs = System.nanoTime() - t0;
      if (r < 0) {
        continue;
      }
      bytes = Arrays.stream(encoded, 1, packages + 1).mapToLong(b -> b.length).sum();
      step[r] = stepNs / 1e3 / packages;
      encode[r] = encodeNs / 1e3 / packages;
      decode[r] = decodeNs / 1e3 / packages;
      System.out.printf("round %d: a day recorded + evaluated %.1f µs a package, state exported + encoded %.1f µs"
          + " (%.2f of the day), decoded + imported %.1f µs; load %s%n", r + 1, step[r], encode[r],
          encode[r] / step[r], decode[r], RuleStageThroughput.load());
    }
    double[] ratio = new double[rounds];
    Arrays.setAll(ratio, i -> encode[i] / step[i]);
    System.out.printf("per package: day %.1f µs, encode %.1f µs, decode %.1f µs (medians); encode / day: median %.2f"
        + " (min %.2f, max %.2f); %.0f bytes a state; %d transitions%n", RuleStageThroughput.median(step),
        RuleStageThroughput.median(encode), RuleStageThroughput.median(decode), RuleStageThroughput.median(ratio),
        RuleStageThroughput.min(ratio), RuleStageThroughput.max(ratio), (double) bytes / packages, sink);
  }
}
