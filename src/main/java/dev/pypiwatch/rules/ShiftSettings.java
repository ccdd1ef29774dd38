package dev.pypiwatch.rules;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of a share-shift rule ({@code python-shift}, {@code os-shift}): the share of one
 * category, median of the recent days against the median of the days before.
 *
 * @param enabled whether the rule runs
 * @param minPoints lowest change of the share, in percentage points
 * @param z lowest change in standard deviations of the recent median
 * @param minDownloads lowest total downloads in the recent days
 * @param recentDays days of the recent window
 * @param baselineDays days of the baseline window before it
 * @param crossings shares in percent whose upward crossing by a category is reported (e.g. 25:
 *     "3.13 passed 25%"); empty for none
 * @param newCategoryShare share in percent above which a category never seen above it in the
 *     baseline is reported as new (python only); 0 disables
 * @param cooldown a new episode this soon after the last one resolved does not fire
 */
public record ShiftSettings(boolean enabled, double minPoints, double z, long minDownloads,
    int recentDays, int baselineDays, List<Double> crossings, double newCategoryShare,
    Duration cooldown) {

  /** Python versions: 5 pp and 4 sd, >= 200 downloads in 7 days vs 28; new version at 1%. */
  public static final ShiftSettings PYTHON_DEFAULTS = new ShiftSettings(
      true, 5, 4, 200, 7, 28, List.of(), 1.0, Duration.ofDays(14));

  /**
   * Operating systems: 12 pp (real OS mixes of packages at >= 100/day move by 5-13 points in a
   * week without news), otherwise as for Python, without the new-category report.
   */
  public static final ShiftSettings OS_DEFAULTS = new ShiftSettings(
      true, 12, 4, 200, 7, 28, List.of(), 0, Duration.ofDays(14));

  public ShiftSettings {
    crossings = List.copyOf(crossings);
    Objects.requireNonNull(cooldown, "cooldown");
  }
}
