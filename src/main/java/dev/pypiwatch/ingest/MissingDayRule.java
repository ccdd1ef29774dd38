package dev.pypiwatch.ingest;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Whether a missing row is a zero or unknown. The upstream omits zero-download days, but a busy
 * package can also lose a day for good (one ~35k/day package did): a missing row is a zero only
 * when the expected count there is small.
 *
 * <p>Expected count = median of the series over the {@link #RADIUS} days on each side of the day,
 * inside the covered range, hole dates and the day itself left out, missing rows counted as 0.
 * Small = below {@link #SMALL_LEVEL}. Edge cases: near either end of the range the window is
 * one-sided (7 values); with no value at all (every neighbour a hole) the day is unknown; an even
 * number of values takes the mean of the two middle ones. A busy category's first day inside the
 * window may leave the day just before it unknown rather than zero: conservative on purpose.
 */
public final class MissingDayRule {
  /** Below this median count a day, a missing row is a zero (detection notes: "< ~10/day"). */
  public static final double SMALL_LEVEL = 10.0;
  /** Days on each side of the missing day that the median looks at (14 days in all). */
  public static final int RADIUS = 7;

  private MissingDayRule() {}

  /**
   * True when {@code day}, missing from {@code counts}, is a zero-download day.
   *
   * @param counts the series' counts by date (missing dates are zeros for the median)
   * @param from first date of the covered range
   * @param to last date of the covered range
   * @param holes dates missing upstream for everybody: unknown, kept out of the median
   */
  public static boolean isZero(
      Map<LocalDate, Long> counts, LocalDate day, LocalDate from, LocalDate to, Set<LocalDate> holes) {
    long[] window = new long[2 * RADIUS];
    int n = 0;
    for (int offset = -RADIUS; offset <= RADIUS; offset++) {
      LocalDate d = day.plusDays(offset);
      if (offset != 0 && !d.isBefore(from) && !d.isAfter(to) && !holes.contains(d)) {
        window[n++] = counts.getOrDefault(d, 0L);
      }
    }
    return n > 0 && median(Arrays.copyOf(window, n)) < SMALL_LEVEL;
  }

  /** The median of a non-empty array (mean of the middle two for an even length); sorts it. */
  static double median(long[] values) {
    Arrays.sort(values);
    int mid = values.length / 2;
    return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + (double) values[mid]) / 2;
  }
}
