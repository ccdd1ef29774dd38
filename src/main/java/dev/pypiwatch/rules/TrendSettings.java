package dev.pypiwatch.rules;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the {@code trend} rule: the last 7 days' total against the 7 days before.
 *
 * @param enabled whether the rule runs
 * @param percent lowest change in percent, either way (a fall of p% or a rise of p%)
 * @param minVolume lowest mean downloads a day in the earlier week
 * @param cooldown a new episode this soon after the last one resolved does not fire
 */
public record TrendSettings(boolean enabled, double percent, long minVolume, Duration cooldown) {

  /** Off; 50%, >= 100/day, cooldown 7 days. */
  public static final TrendSettings DEFAULTS =
      new TrendSettings(false, 50, 100, Duration.ofDays(7));

  public TrendSettings {
    Objects.requireNonNull(cooldown, "cooldown");
  }
}
