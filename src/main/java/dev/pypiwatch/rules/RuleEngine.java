package dev.pypiwatch.rules;

import dev.pypiwatch.config.RulesConfig;
import dev.pypiwatch.events.DownloadRecord;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps every package's daily series and turns new days into alert transitions. Pure: no I/O, no
 * clock; the same input gives the same alerts (the rule verticle and {@code backtest} share it).
 *
 * <p>INTERFACE SKELETON: the detection is being written; until then no alert is produced.
 */
public final class RuleEngine implements AlertSource {
  private final RulesConfig config;

  /** An engine with the given rule settings (global and per package). */
  public RuleEngine(RulesConfig config) {
    this.config = config;
  }

  /**
   * Records one published count (reported or zero-filled). A later count for the same
   * (package, endpoint, category, date) replaces the earlier one (an upstream revision). A date
   * never recorded is unknown (an upstream hole), never zero.
   */
  public void record(DownloadRecord record) {
  }

  /**
   * Evaluates {@code pkg}'s dates after the last evaluated one up to and including {@code through},
   * in ascending order, each date once, and returns the alert transitions (firing / resolved).
   */
  public List<Alert> evaluateThrough(String pkg, LocalDate through) {
    return List.of();
  }

  /** The last date evaluated for {@code pkg}, if any. */
  public Optional<LocalDate> evaluatedThrough(String pkg) {
    return Optional.empty();
  }

  /**
   * Marks {@code pkg}'s dates up to {@code through} as evaluated without producing alerts: after a
   * restart, days whose alerts were already published are not evaluated again.
   */
  public void markEvaluatedThrough(String pkg, LocalDate through) {
  }

  /**
   * Restores the lifecycle from the last transition of each fingerprint (e.g. read back from the
   * alerts topic), so an ongoing condition does not fire again and a resolution is not lost.
   */
  public void restore(Collection<Alert> lastTransitions) {
  }

  /** The packages that have any recorded data. */
  public Set<String> packages() {
    return Set.of();
  }

  RulesConfig config() {
    return config;
  }
}
