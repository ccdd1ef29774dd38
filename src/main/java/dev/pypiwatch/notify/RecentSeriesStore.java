package dev.pypiwatch.notify;

import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The last {@value #DAYS} days of each package's downloads (overall, without mirrors), kept from
 * the downloads topic for the charts of notifications and the daily digest. Not thread-safe.
 */
public final class RecentSeriesStore {
  /** Days kept per package, counted back from its newest day. */
  public static final int DAYS = 60;

  private final Map<String, TreeMap<LocalDate, Long>> byPackage = new HashMap<>();

  /**
   * Keeps {@code r} if it is an overall, without-mirrors count; a later record of a day replaces
   * the earlier one (a revision). Days older than {@value #DAYS} days before the package's newest
   * are dropped.
   */
  public void record(DownloadRecord r) {
    if (r.endpoint() != Endpoint.OVERALL || !r.category().equals(Categories.WITHOUT_MIRRORS)) {
      return;
    }
    TreeMap<LocalDate, Long> days = byPackage.computeIfAbsent(r.packageName(), p -> new TreeMap<>());
    if (!days.isEmpty() && r.date().isBefore(oldestKept(days.lastKey()))) {
      return;
    }
    days.put(r.date(), r.downloads());
    days.headMap(oldestKept(days.lastKey())).clear();
  }

  /** {@code pkg}'s series from its oldest kept day to its newest; empty if nothing is known. */
  public Optional<RecentSeries> series(String pkg) {
    TreeMap<LocalDate, Long> days = byPackage.get(pkg);
    if (days == null || days.isEmpty()) {
      return Optional.empty();
    }
    LocalDate first = days.firstKey();
    LocalDate last = days.lastKey();
    long[] daily = new long[(int) (last.toEpochDay() - first.toEpochDay()) + 1];
    for (int i = 0; i < daily.length; i++) {
      daily[i] = days.getOrDefault(first.plusDays(i), -1L);
    }
    return Optional.of(new RecentSeries(pkg, last, daily));
  }

  /** {@code pkg}'s newest known day. */
  public Optional<LocalDate> newest(String pkg) {
    TreeMap<LocalDate, Long> days = byPackage.get(pkg);
    return days == null || days.isEmpty() ? Optional.empty() : Optional.of(days.lastKey());
  }

  /**
   * {@code pkg}'s digest line for {@code day}: that day's count, the 7 days to it and their change
   * against the 7 days before (known days only; NaN if either week has none, or the week before
   * summed to zero).
   */
  public DigestLine line(String pkg, LocalDate day, int firing) {
    TreeMap<LocalDate, Long> days = byPackage.getOrDefault(pkg, new TreeMap<>());
    Long lastDay = days.get(day);
    Week week = week(days, day);
    Week before = week(days, day.minusDays(7));
    double change = week.known == 0 || before.known == 0 || before.sum == 0
        ? Double.NaN : (double) week.sum / before.sum - 1;
    return new DigestLine(pkg, lastDay == null ? -1 : lastDay, week.sum, change, firing);
  }

  private record Week(long sum, int known) {}

  private static Week week(TreeMap<LocalDate, Long> days, LocalDate last) {
    long sum = 0;
    int known = 0;
    for (Long n : days.subMap(last.minusDays(6), true, last, true).values()) {
      sum += n;
      known++;
    }
    return new Week(sum, known);
  }

  private static LocalDate oldestKept(LocalDate newest) {
    return newest.minusDays(DAYS - 1L);
  }
}
