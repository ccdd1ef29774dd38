package dev.pypiwatch.rules;

import dev.pypiwatch.events.Categories;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One package's recorded daily records (every endpoint, as {@code backtest} replays them) as an
 * {@link Evaluation.Series}. An injection multiplies every record of a day, so shares stay as they
 * were; the ecosystem reference's records (e.g. {@code __all__}), when given, are replayed with
 * them untouched, as the engine sees them in the service.
 */
public final class RecordedDays implements Evaluation.Series {
  private final String pkg;
  private final LocalDate first;
  private final List<List<DownloadRecord>> days;
  private final Map<LocalDate, List<DownloadRecord>> reference;

  private RecordedDays(String pkg, LocalDate first, List<List<DownloadRecord>> days,
      Map<LocalDate, List<DownloadRecord>> reference) {
    this.pkg = pkg;
    this.first = first;
    this.days = days;
    this.reference = reference;
  }

  /**
   * The records of {@code pkg} from its first to its last recorded date, with {@code reference}'s
   * records (empty for none) replayed on the same days.
   *
   * @throws IllegalArgumentException if {@code records} is empty or holds another package
   */
  public static RecordedDays of(String pkg, List<DownloadRecord> records,
      List<DownloadRecord> reference) {
    if (records.isEmpty()) {
      throw new IllegalArgumentException(pkg + ": no daily records");
    }
    TreeMap<LocalDate, List<DownloadRecord>> byDate = new TreeMap<>();
    for (DownloadRecord r : records) {
      if (!r.packageName().equals(pkg)) {
        throw new IllegalArgumentException("a record of " + r.packageName() + " among " + pkg + "'s");
      }
      byDate.computeIfAbsent(r.date(), d -> new ArrayList<>()).add(r);
    }
    LocalDate first = byDate.firstKey();
    int n = (int) ChronoUnit.DAYS.between(first, byDate.lastKey()) + 1;
    List<List<DownloadRecord>> days = new ArrayList<>(Collections.nCopies(n, List.of()));
    byDate.forEach((d, rs) -> days.set((int) ChronoUnit.DAYS.between(first, d), List.copyOf(rs)));
    Map<LocalDate, List<DownloadRecord>> ref = new TreeMap<>();
    reference.forEach(r -> ref.computeIfAbsent(r.date(), d -> new ArrayList<>()).add(r));
    return new RecordedDays(pkg, first, days, ref);
  }

  @Override
  public String pkg() {
    return pkg;
  }

  @Override
  public int size() {
    return days.size();
  }

  @Override
  public LocalDate date(int i) {
    return first.plusDays(i);
  }

  /** The day's overall {@code with_mirrors} (else {@code without_mirrors}); -1 if neither is recorded. */
  @Override
  public long total(int i) {
    long without = -1;
    for (DownloadRecord r : days.get(i)) {
      if (r.endpoint() == Endpoint.OVERALL) {
        if (r.category().equals(Categories.WITH_MIRRORS)) {
          return r.downloads();
        }
        if (r.category().equals(Categories.WITHOUT_MIRRORS)) {
          without = r.downloads();
        }
      }
    }
    return without;
  }

  @Override
  public RecordedDays slice(int from, int len) {
    return new RecordedDays(pkg, date(from), days.subList(from, Math.min(size(), from + len)),
        reference);
  }

  @Override
  public RecordedDays multiplied(int from, int len, double factor) {
    List<List<DownloadRecord>> out = new ArrayList<>(days);
    for (int i = Math.max(0, from); i < Math.min(size(), from + len); i++) {
      out.set(i, days.get(i).stream().map(r -> new DownloadRecord(r.packageName(), r.endpoint(),
          r.category(), r.date(), Math.round(r.downloads() * factor))).toList());
    }
    return new RecordedDays(pkg, first, out, reference);
  }

  @Override
  public void record(RuleEngine engine, int i) {
    reference.getOrDefault(date(i), List.of()).forEach(engine::record);
    days.get(i).forEach(engine::record);
  }
}
