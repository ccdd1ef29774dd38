package dev.pypiwatch.notify;

import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.DailyCounts;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The last {@value #DAYS} days of each package's downloads (overall, without mirrors), kept from
 * the downloads topic for the charts of notifications and the daily digest. Not thread-safe.
 */
public final class RecentSeriesStore {
  /** Days kept per package, counted back from its newest day. */
  public static final int DAYS = 60;
  private static final DailyCounts EMPTY = new DailyCounts(1);

  private final Map<String, DailyCounts> byPackage = new HashMap<>();

  /**
   * Keeps {@code r} if it is an overall, without-mirrors count; a later record of a day replaces
   * the earlier one (a revision). Days older than {@value #DAYS} days before the package's newest
   * are dropped.
   */
  public void record(DownloadRecord r) {
    if (r.endpoint() != Endpoint.OVERALL || !r.category().equals(Categories.WITHOUT_MIRRORS)) {
      return;
    }
    byPackage.computeIfAbsent(r.packageName(), p -> new DailyCounts(DAYS)).put(r.date(), r.downloads());
  }

  /** {@code pkg}'s series from its oldest kept day to its newest; empty if nothing is known. */
  public Optional<RecentSeries> series(String pkg) {
    DailyCounts days = byPackage.get(pkg);
    if (days == null || days.newestDay() == null) {
      return Optional.empty();
    }
    LocalDate last = days.newestDay();
    LocalDate[] first = {null};
    days.forEach(null, null, (d, n) -> {
      if (first[0] == null) {
        first[0] = d;
      }
    });
    long[] daily = new long[(int) (last.toEpochDay() - first[0].toEpochDay()) + 1];
    for (int i = 0; i < daily.length; i++) {
      daily[i] = days.get(first[0].plusDays(i));
    }
    return Optional.of(new RecentSeries(pkg, last, daily));
  }

  /** {@code pkg}'s newest known day. */
  public Optional<LocalDate> newest(String pkg) {
    DailyCounts days = byPackage.get(pkg);
    return days == null ? Optional.empty() : Optional.ofNullable(days.newestDay());
  }

  /**
   * {@code pkg}'s digest line for {@code day}: that day's count, the 7 days to it and their change
   * against the 7 days before (known days only; NaN if either week has none, or the week before
   * summed to zero).
   */
  public DigestLine line(String pkg, LocalDate day, int firing) {
    DailyCounts days = byPackage.getOrDefault(pkg, EMPTY);
    Week week = week(days, day);
    Week before = week(days, day.minusDays(7));
    double change = week.known == 0 || before.known == 0 || before.sum == 0
        ? Double.NaN : (double) week.sum / before.sum - 1;
    return new DigestLine(pkg, days.get(day), week.sum, change, firing);
  }

  private record Week(long sum, int known) {}

  private static Week week(DailyCounts days, LocalDate last) {
    long[] sum = {0};
    int[] known = {0};
    days.forEach(last.minusDays(6), last, (d, n) -> {
      sum[0] += n;
      known[0]++;
    });
    return new Week(sum[0], known[0]);
  }
}
