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

  /**
   * How many days before an evaluated day the rules read, at most: the spike and drop baselines
   * (the residuals of {@value Baselines#RESIDUAL_DAYS} days, each against its same weekdays of
   * {@code spike.weeks} weeks moved by the level of the {@value Baselines#LEVEL_DAYS} days before it,
   * whose own same weekdays go back as far), before the drop's window, the unknown days it may skip
   * and the holidays it passes over; the share windows, the milestone's and the trend's days. A
   * rebuild that replays less than this many days of history judges the next days on less than a
   * running engine holds ({@code LookBackTest} checks every rule against it on real series).
   */
  public int lookBackDays() {
    int window = drop.days() + DropRule.MAX_SKIPPED;
    int baselines = window + drop.holidays().mostPassedOver(window) + Baselines.RESIDUAL_DAYS
        + Baselines.LEVEL_DAYS + 7 * spike.weeks();
    int shares = Math.max(pythonShift.recentDays() + pythonShift.baselineDays(),
        osShift.recentDays() + osShift.baselineDays());
    return Math.max(Math.max(baselines, shares), Math.max(MilestoneRule.DAYS, 2 * TrendRule.WEEK));
  }
}
