package dev.pypiwatch.rules;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the {@code drop} rule: several known days in a row well below the baseline.
 *
 * @param enabled whether the rule runs
 * @param z threshold in noise units for the mean residual of {@code days} days (divided by the
 *     square root of {@code days}), and for the log fall of the days' sum (each day counted at most
 *     at its baseline) in the same unit
 * @param days how many known days the fall must last
 * @param maxRatio the days' sum must be at most this fraction of the baselines' sum
 * @param minVolume lowest mean baseline (downloads a day) the rule speaks about
 * @param referencePackage a package recorded as the whole ecosystem (e.g. {@code __all__}); a
 *     drop it shows too is an upstream incident and not reported. Empty disables the check
 * @param referenceMaxRatio the reference "shows the drop" when its ratio is at most this
 * @param holidays days the whole ecosystem downloads less
 * @param holidayMaxRatio a window with a holiday in it must fall to at most this fraction (a
 *     shallower fall then neither fires nor resolves)
 * @param cooldown a new episode this soon after the last one resolved does not fire
 */
public record DropSettings(boolean enabled, double z, int days, double maxRatio, long minVolume,
    String referencePackage, double referenceMaxRatio, Holidays holidays, double holidayMaxRatio, Duration cooldown) {

  /**
   * On; 5 days, z 2.75, at most 60% of the baseline, baseline >= 20/day; __all__; christmas,
   * thanksgiving, easter at most 40%; 7 days.
   */
  public static final DropSettings DEFAULTS = new DropSettings(
      true, 2.75, 5, 0.60, 20, "__all__", 0.85, Holidays.DEFAULTS, 0.40, Duration.ofDays(7));

  public DropSettings {
    Objects.requireNonNull(referencePackage, "referencePackage");
    Objects.requireNonNull(holidays, "holidays");
    Objects.requireNonNull(cooldown, "cooldown");
  }
}
