package dev.pypiwatch.rules;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.DownloadRecord;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * Replays recorded daily series through a {@link RuleEngine}, day by day, as if each day had just
 * arrived, and returns the alert transitions it would have published. Pure: no I/O, no clock.
 *
 * <p>Replay order: every calendar day D from the earliest to the latest date of any series, in
 * ascending order; for each D, first every record dated D of every package is
 * {@linkplain RuleEngine#record recorded}, then {@link RuleEngine#evaluateThrough} runs for each
 * package (by name) whose data covers D (its first date ≤ D ≤ its last date). A day without a
 * record is unknown to the engine (a hole), never zero: zero days must already be in the input as
 * records of 0 downloads.
 *
 * <p>The rules judge a day from that day and the days before it, of the package and of the
 * read-only ecosystem reference (e.g. {@code __all__}): so a package can be replayed alone, all its
 * days at once, against the whole reference, with the same alerts as in the order above. That is
 * how it runs ({@link Replayer}): package by package, in parallel, each package's data dropped
 * once it is done.
 *
 * <p>{@code from}/{@code to} only filter the alerts returned; earlier days still feed the
 * baselines, and later days still run (so the engine's state is what a live run would have).
 */
public final class Backtest {
  private static final Comparator<Alert> ORDER =
      Comparator.comparing(Alert::date).thenComparing(Alert::packageName);

  private final RulesConfig config;

  /**
   * What a replay produced.
   *
   * @param alerts the transitions dated in [from, to], by date, then package, then engine order
   * @param packages packages with at least one record
   * @param days calendar days replayed
   * @param records records fed to the engine
   */
  public record Result(List<Alert> alerts, int packages, int days, long records) {
    public Result {
      alerts = List.copyOf(alerts);
    }
  }

  /**
   * What the replay of one package produced.
   *
   * @param pkg the package
   * @param alerts its transitions dated in [from, to], by date, then engine order
   * @param first its first date; null without records
   * @param last its last date; null without records
   * @param records its records
   */
  public record Replayed(String pkg, List<Alert> alerts, LocalDate first, LocalDate last, long records) {
    public Replayed {
      Objects.requireNonNull(pkg, "pkg");
      alerts = List.copyOf(alerts);
    }
  }

  /** A backtest with the given rule settings. */
  public Backtest(RulesConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  /**
   * Replays {@code series}.
   *
   * @param series package → its records, each list sorted by date (ascending); empty lists are
   *     ignored
   * @param from first date whose alerts are kept; null for no lower bound
   * @param to last date whose alerts are kept; null for no upper bound
   * @throws IllegalArgumentException if a list is not sorted by date, or {@code from} is after
   *     {@code to}
   */
  public Result run(Map<String, List<DownloadRecord>> series, LocalDate from, LocalDate to) {
    checkRange(from, to);
    List<String> names = new ArrayList<>(new TreeMap<>(series).keySet());
    names.forEach(p -> checkSorted(p, series.get(p)));
    Map<String, List<DownloadRecord>> references = new LinkedHashMap<>();
    references(names).forEach(r -> references.put(r, series.get(r)));
    // Packages are independent but for the read-only ecosystem reference, so shards of them replay
    // in parallel, each with its own engine that also holds the reference.
    int shards = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), names.size()));
    List<Replayed> replayed = IntStream.range(0, shards).parallel()
        .mapToObj(shard -> {
          Replayer r = replayer(references, from, to);
          List<Replayed> mine = new ArrayList<>();
          for (int i = shard; i < names.size(); i += shards) {
            mine.add(r.replay(names.get(i), series.get(names.get(i))));
          }
          return mine;
        })
        .flatMap(List::stream)
        .toList();
    return result(replayed);
  }

  /**
   * The packages among {@code packages} that serve as the ecosystem reference of some package
   * ({@code drop.reference-package}): every {@link Replayer} needs their records.
   */
  public Set<String> references(Collection<String> packages) {
    Set<String> refs = new HashSet<>();
    refs.add(config.forPackage("").drop().referencePackage());
    packages.forEach(p -> refs.add(config.forPackage(p).drop().referencePackage()));
    refs.retainAll(new HashSet<>(packages));
    return refs;
  }

  /**
   * A replayer holding {@code references} (package → records sorted by date, as for {@link #run}),
   * keeping the alerts dated in [{@code from}, {@code to}] (null: unbounded).
   *
   * @throws IllegalArgumentException if a list is not sorted by date, or {@code from} is after
   *     {@code to}
   */
  public Replayer replayer(Map<String, List<DownloadRecord>> references, LocalDate from, LocalDate to) {
    checkRange(from, to);
    return new Replayer(references, from, to);
  }

  /**
   * The result of the packages replayed: their alerts by date, then package, then engine order
   * (the order {@link #run} returns), and the totals.
   */
  public static Result result(Collection<Replayed> replayed) {
    List<Replayed> byName = new ArrayList<>(replayed);
    byName.sort(Comparator.comparing(Replayed::pkg));
    List<Alert> alerts = new ArrayList<>();
    int packages = 0;
    long records = 0;
    LocalDate first = null;
    LocalDate last = null;
    for (Replayed r : byName) {
      alerts.addAll(r.alerts());
      if (r.records() == 0) {
        continue;
      }
      packages++;
      records += r.records();
      first = first == null || r.first().isBefore(first) ? r.first() : first;
      last = last == null || r.last().isAfter(last) ? r.last() : last;
    }
    alerts.sort(ORDER); // stable: a package's alerts of one day stay in engine order
    int days = first == null ? 0 : (int) ChronoUnit.DAYS.between(first, last) + 1;
    return new Result(alerts, packages, days, records);
  }

  /**
   * Replays packages one at a time through an engine that holds the ecosystem reference. Not
   * thread-safe: one per thread.
   */
  public final class Replayer {
    private final RuleEngine engine = new RuleEngine(config);
    private final Set<String> references;
    private final LocalDate from;
    private final LocalDate to;

    private Replayer(Map<String, List<DownloadRecord>> references, LocalDate from, LocalDate to) {
      this.references = Set.copyOf(references.keySet());
      this.from = from;
      this.to = to;
      references.forEach(this::record);
    }

    /** Records {@code records}, checking that they are sorted by date. */
    private void record(String pkg, List<DownloadRecord> records) {
      LocalDate previous = null;
      for (DownloadRecord r : records) {
        checkOrder(pkg, previous, r);
        engine.record(r);
        previous = r.date();
      }
    }

    /**
     * Replays {@code pkg}'s records (sorted by date) and forgets them, unless {@code pkg} is a
     * reference.
     *
     * @throws IllegalArgumentException if the records are not sorted by date
     */
    public Replayed replay(String pkg, List<DownloadRecord> records) {
      if (records.isEmpty()) {
        return new Replayed(pkg, List.of(), null, null, 0);
      }
      boolean reference = references.contains(pkg);
      if (reference) {
        checkSorted(pkg, records); // its records are in the engine already
      } else {
        record(pkg, records);
      }
      LocalDate last = records.get(records.size() - 1).date();
      List<Alert> kept = new ArrayList<>();
      for (Alert a : engine.evaluateThrough(pkg, last)) {
        if ((from == null || !a.date().isBefore(from)) && (to == null || !a.date().isAfter(to))) {
          kept.add(a);
        }
      }
      if (!reference) {
        engine.forget(pkg);
      }
      return new Replayed(pkg, kept, records.get(0).date(), last, records.size());
    }
  }

  private static void checkRange(LocalDate from, LocalDate to) {
    if (from != null && to != null && from.isAfter(to)) {
      throw new IllegalArgumentException("from " + from + " is after to " + to);
    }
  }

  private static void checkSorted(String pkg, List<DownloadRecord> records) {
    LocalDate previous = null;
    for (DownloadRecord r : records) {
      checkOrder(pkg, previous, r);
      previous = r.date();
    }
  }

  private static void checkOrder(String pkg, LocalDate previous, DownloadRecord r) {
    if (previous != null && r.date().isBefore(previous)) {
      throw new IllegalArgumentException("records of " + pkg + " are not sorted by date: "
          + r.date() + " after " + previous);
    }
  }
}
