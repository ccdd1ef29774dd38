package dev.pypiwatch.rules;

import dev.pypiwatch.config.RulesConfig;
import dev.pypiwatch.events.DownloadRecord;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.stream.IntStream;
import java.util.Set;
import java.util.HashSet;
import java.util.Comparator;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Replays recorded daily series through a fresh {@link RuleEngine}, day by day, as if each day had
 * just arrived, and returns the alert transitions it would have published. Pure: no I/O, no clock.
 *
 * <p>Replay order: every calendar day D from the earliest to the latest date of any series, in
 * ascending order; for each D, first every record dated D of every package is
 * {@linkplain RuleEngine#record recorded}, then {@link RuleEngine#evaluateThrough} runs for each
 * package (by name) whose data covers D (its first date ≤ D ≤ its last date). A day without a
 * record is unknown to the engine (a hole), never zero: zero days must already be in the input as
 * records of 0 downloads.
 *
 * <p>{@code from}/{@code to} only filter the alerts returned; earlier days still feed the
 * baselines, and later days still run (so the engine's state is what a live run would have).
 */
public final class Backtest {
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
    if (from != null && to != null && from.isAfter(to)) {
      throw new IllegalArgumentException("from " + from + " is after to " + to);
    }
    List<Cursor> cursors = cursors(series);
    if (cursors.isEmpty()) {
      return new Result(List.of(), 0, 0, 0);
    }
    LocalDate first = cursors.stream().map(c -> c.first).min(LocalDate::compareTo).orElseThrow();
    LocalDate last = cursors.stream().map(c -> c.last).max(LocalDate::compareTo).orElseThrow();
    // Packages are independent but for the read-only ecosystem reference, so shards of them replay
    // in parallel, each with its own engine that also records the reference; the merge by (date,
    // package) is stable, so the output is the same as one engine's.
    Set<String> references = references(series.keySet());
    int shards = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), cursors.size()));
    List<List<Alert>> perShard = IntStream.range(0, shards).parallel()
        .mapToObj(i -> replayShard(series, cursors, references, i, shards, first, last, from, to))
        .toList();
    List<Alert> kept = new ArrayList<>();
    perShard.forEach(kept::addAll);
    kept.sort(Comparator.comparing(Alert::date).thenComparing(Alert::packageName));
    long fed = cursors.stream().mapToLong(c -> c.records.size()).sum();
    int days = (int) ChronoUnit.DAYS.between(first, last) + 1;
    return new Result(kept, cursors.size(), days, fed);
  }

  /** The reference packages (e.g. {@code __all__}) among {@code packages}. */
  private Set<String> references(Set<String> packages) {
    Set<String> refs = new HashSet<>();
    refs.add(config.forPackage("").drop().referencePackage());
    packages.forEach(p -> refs.add(config.forPackage(p).drop().referencePackage()));
    refs.retainAll(packages);
    return refs;
  }

  private List<Alert> replayShard(Map<String, List<DownloadRecord>> series, List<Cursor> all,
      Set<String> references, int shard, int shards, LocalDate first, LocalDate last,
      LocalDate from, LocalDate to) {
    List<Cursor> evaluated = new ArrayList<>();
    List<Cursor> fed = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      Cursor c = all.get(i);
      if (i % shards == shard) {
        Cursor own = new Cursor(c.pkg, c.records);
        evaluated.add(own);
        fed.add(own);
      } else if (references.contains(c.pkg)) {
        fed.add(new Cursor(c.pkg, series.get(c.pkg))); // recorded here too, evaluated in its shard
      }
    }
    RuleEngine engine = new RuleEngine(config);
    List<Alert> kept = new ArrayList<>();
    for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
      for (Cursor c : fed) {
        c.feedThrough(engine, day);
      }
      for (Cursor c : evaluated) {
        if (c.covers(day)) {
          keep(engine.evaluateThrough(c.pkg, day), from, to, kept);
        }
      }
    }
    return kept;
  }

  private static void keep(List<Alert> alerts, LocalDate from, LocalDate to, List<Alert> kept) {
    for (Alert a : alerts) {
      if ((from == null || !a.date().isBefore(from)) && (to == null || !a.date().isAfter(to))) {
        kept.add(a);
      }
    }
  }

  private static List<Cursor> cursors(Map<String, List<DownloadRecord>> series) {
    List<Cursor> cursors = new ArrayList<>();
    new TreeMap<>(series).forEach((pkg, records) -> {
      if (!records.isEmpty()) {
        cursors.add(new Cursor(pkg, records));
      }
    });
    return cursors;
  }

  /** One package's records and how far they have been fed. */
  private static final class Cursor {
    final String pkg;
    final List<DownloadRecord> records;
    final LocalDate first;
    final LocalDate last;
    int next;

    Cursor(String pkg, List<DownloadRecord> records) {
      this.pkg = pkg;
      this.records = records;
      this.first = records.get(0).date();
      this.last = records.get(records.size() - 1).date();
    }

    boolean covers(LocalDate day) {
      return !day.isBefore(first) && !day.isAfter(last);
    }

    /** Records every record dated {@code day} (none may be older); returns how many. */
    int feedThrough(RuleEngine engine, LocalDate day) {
      int n = 0;
      while (next < records.size() && !records.get(next).date().isAfter(day)) {
        DownloadRecord r = records.get(next++);
        if (r.date().isBefore(day)) {
          throw new IllegalArgumentException("records of " + pkg + " are not sorted by date: "
              + r.date() + " after " + day.minusDays(1));
        }
        engine.record(r);
        n++;
      }
      return n;
    }
  }
}
