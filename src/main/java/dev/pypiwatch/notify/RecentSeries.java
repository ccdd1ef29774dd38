package dev.pypiwatch.notify;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.Objects;

/**
 * A package's daily downloads (overall, without mirrors) up to {@code last}: {@code daily[i]} is
 * the count of {@code last - (daily.length - 1 - i)} days, -1 where unknown.
 */
public record RecentSeries(String packageName, LocalDate last, long[] daily) {
  public RecentSeries {
    Objects.requireNonNull(packageName, "packageName");
    Objects.requireNonNull(last, "last");
    daily = daily.clone();
  }

  /** The date of {@code daily[i]}. */
  public LocalDate dateAt(int i) {
    return last.minusDays(daily.length - 1L - i);
  }

  /** The count of {@code date}, or -1 if unknown or outside the series. */
  public long at(LocalDate date) {
    long i = daily.length - 1 - (last.toEpochDay() - date.toEpochDay());
    return i < 0 || i >= daily.length ? -1 : daily[(int) i];
  }

  @Override
  public long[] daily() {
    return daily.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RecentSeries r && r.packageName.equals(packageName) && r.last.equals(last)
        && Arrays.equals(r.daily, daily);
  }

  @Override
  public int hashCode() {
    return Objects.hash(packageName, last, Arrays.hashCode(daily));
  }

  @Override
  public String toString() {
    return "RecentSeries[" + packageName + " to " + last + ", " + daily.length + " days]";
  }
}
