package dev.pypiwatch.ingest;

import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.Endpoint;
import java.time.LocalDate;
import java.util.NavigableMap;
import java.util.Optional;

/**
 * The {@code /recent} figures computed from the {@code overall} {@code without_mirrors} series,
 * as the upstream computes them: last day, sum of the newest 7 days, sum of the newest 30.
 *
 * <p>{@code asOf} is the newest {@code overall} date known. Days without a count (zero days not
 * yet confirmed, unknown days, holes) add 0, as in the upstream, which sums the rows it has.
 */
public final class RecentFigures {
  /** Days summed into {@code last_week}. */
  public static final int WEEK = 7;
  /** Days summed into {@code last_month}. */
  public static final int MONTH = 30;

  private RecentFigures() {}

  /** The figures of {@code state}, empty when it has no {@code without_mirrors} count. */
  public static Optional<PublishedRecent> of(PollerState state) {
    NavigableMap<LocalDate, Long> days =
        state.series(new SeriesKey(Endpoint.OVERALL, Categories.WITHOUT_MIRRORS));
    Optional<LocalDate> newest = state.newestDate(Endpoint.OVERALL);
    if (days.isEmpty() || newest.isEmpty()) {
      return Optional.empty();
    }
    LocalDate asOf = newest.get();
    return Optional.of(new PublishedRecent(
        asOf, days.getOrDefault(asOf, 0L), sum(days, asOf, WEEK), sum(days, asOf, MONTH)));
  }

  private static long sum(NavigableMap<LocalDate, Long> days, LocalDate asOf, int length) {
    return days.subMap(asOf.minusDays(length - 1L), true, asOf, true).values().stream()
        .mapToLong(Long::longValue)
        .reduce(0L, Math::addExact);
  }
}
