package dev.pypiwatch.ingest;

import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.Endpoint;
import java.time.LocalDate;
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
    PublishedDays days = state.days(new SeriesKey(Endpoint.OVERALL, Categories.WITHOUT_MIRRORS));
    Optional<LocalDate> newest = state.newestDate(Endpoint.OVERALL);
    if (days == null || newest.isEmpty()) {
      return Optional.empty();
    }
    LocalDate asOf = newest.get();
    int day = Math.toIntExact(asOf.toEpochDay());
    return Optional.of(new PublishedRecent(
        asOf, days.sum(day, day), days.sum(day - WEEK + 1, day), days.sum(day - MONTH + 1, day)));
  }
}
