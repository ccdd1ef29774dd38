package dev.pypiwatch.rules;

import java.util.Objects;

/**
 * The settings of every rule for one package: the global ones, or those with a watchlist entry's
 * overrides applied.
 */
public record RuleSettings(SpikeSettings spike, DropSettings drop, ShiftSettings pythonShift,
    ShiftSettings osShift, MilestoneSettings milestone, TrendSettings trend) {

  /** Every rule's defaults. */
  public static final RuleSettings DEFAULTS = new RuleSettings(SpikeSettings.DEFAULTS,
      DropSettings.DEFAULTS, ShiftSettings.PYTHON_DEFAULTS, ShiftSettings.OS_DEFAULTS,
      MilestoneSettings.DEFAULTS, TrendSettings.DEFAULTS);

  public RuleSettings {
    Objects.requireNonNull(spike, "spike");
    Objects.requireNonNull(drop, "drop");
    Objects.requireNonNull(pythonShift, "pythonShift");
    Objects.requireNonNull(osShift, "osShift");
    Objects.requireNonNull(milestone, "milestone");
    Objects.requireNonNull(trend, "trend");
  }
}
