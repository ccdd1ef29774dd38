package dev.pypiwatch.rules;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the {@code spike} rule: a day far above the same weekday's robust baseline.
 *
 * @param enabled whether the rule runs
 * @param category the {@code overall} category watched: {@code without_mirrors} (default: mirror
 *     syncs are not news) or {@code with_mirrors}
 * @param z threshold in noise units of a rise ({@code Baselines.Estimate#riseScale}) of the log residual
 * @param weeks how many past same weekdays make the baseline
 * @param scaleFloor lowest noise unit (log scale): no series is treated as quieter than this
 * @param minVolume lowest baseline (downloads a day) the rule speaks about
 * @param minIncrease lowest excess over the baseline, in downloads
 * @param minRatio lowest ratio of the day to the baseline
 * @param cooldown a new episode this soon after the last one resolved does not fire
 */
public record SpikeSettings(boolean enabled, String category, double z, int weeks,
    double scaleFloor, long minVolume, long minIncrease, double minRatio, Duration cooldown) {

  /** On; without mirrors; z 3.25 over 6 weeks; noise floor 0.10; floors 10/day, +10, x2; 3 days. */
  public static final SpikeSettings DEFAULTS = new SpikeSettings(
      true, "without_mirrors", 3.25, 6, 0.10, 10, 10, 2.0, Duration.ofDays(3));

  public SpikeSettings {
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(cooldown, "cooldown");
  }
}
