package dev.pypiwatch.rules;

/**
 * Settings of the {@code milestone} rule: the 30-day download total reaching a new power of ten.
 *
 * @param enabled whether the rule runs
 * @param minLevel the smallest milestone reported (a power of ten)
 */
public record MilestoneSettings(boolean enabled, long minLevel) {

  /** On, from 1,000 downloads in 30 days. */
  public static final MilestoneSettings DEFAULTS = new MilestoneSettings(true, 1000);
}
