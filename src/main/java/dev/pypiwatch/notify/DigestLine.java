package dev.pypiwatch.notify;

import java.util.Objects;

/**
 * One watched package in the daily digest.
 *
 * @param packageName the package
 * @param lastDay downloads of the digest's day, -1 if unknown
 * @param lastWeek downloads of the 7 days to the digest's day (known days only)
 * @param weekChange change of {@code lastWeek} against the 7 days before, as a fraction (0.1 =
 *     +10%); NaN if the week before is unknown or zero
 * @param firing how many of its alerts are firing
 */
public record DigestLine(String packageName, long lastDay, long lastWeek, double weekChange,
    int firing) {
  public DigestLine {
    Objects.requireNonNull(packageName, "packageName");
  }
}
