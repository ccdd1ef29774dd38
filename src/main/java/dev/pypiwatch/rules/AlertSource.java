package dev.pypiwatch.rules;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.DownloadRecord;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the rule verticle needs of a detector: record counts, evaluate new days into alert
 * transitions, and be rebuilt after a restart. {@link RuleEngine} is the production one; tests
 * plug in small deterministic ones. Implementations are pure (no I/O, no clock) and need not be
 * thread-safe: one stream thread owns an instance.
 */
public interface AlertSource {

  /** Records one published count; a later count for the same day replaces the earlier one. */
  void record(DownloadRecord record);

  /**
   * Evaluates {@code pkg}'s dates after the last evaluated one up to and including {@code through},
   * in ascending order, each date once.
   *
   * @return the alert transitions (firing / resolved), in order; empty when nothing changed
   */
  List<Alert> evaluateThrough(String pkg, LocalDate through);

  /** The last date evaluated for {@code pkg}, if any. */
  Optional<LocalDate> evaluatedThrough(String pkg);

  /** Marks {@code pkg}'s dates up to {@code through} as evaluated without producing alerts. */
  void markEvaluatedThrough(String pkg, LocalDate through);

  /** Restores the lifecycle from the last transition of each fingerprint. */
  void restore(Collection<Alert> lastTransitions);

  /** The packages that have any recorded data. */
  Set<String> packages();

  /**
   * What is kept for {@code pkg} besides its lifecycle, for the rule stage's changelog; empty if
   * nothing is, or if this source keeps no changelog (then the stage rebuilds by replaying).
   */
  default Optional<PackageState> exportState(String pkg) {
    return Optional.empty();
  }

  /** Replaces what is kept for {@code pkg} by {@code state}, from {@link #exportState}. */
  default void importState(String pkg, PackageState state) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no changelog");
  }

  /** Drops everything kept for {@code pkg}. */
  default void forget(String pkg) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no changelog");
  }
}
