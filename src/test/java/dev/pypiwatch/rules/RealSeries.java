package dev.pypiwatch.rules;

import dev.pypiwatch.api.ResponseParser;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.ingest.Normalizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A real daily {@code /system} series (from {@code fixtures/pypistats-real}), as the rule engine
 * sees it: counts by OS per day, the days' sums as overall {@code without_mirrors}. Missing rows
 * inside the range are zeros (the poller zero-fills small volumes); a null day is unknown.
 * An overall-only series ({@link #loadOverall}) has one category per day, {@code with_mirrors}
 * ({@link SeriesReplay} records it as such and {@code without_mirrors} as a share of it).
 *
 * @param pkg the package
 * @param first the first date
 * @param days counts by category per day from {@code first}; null for an unknown day
 */
public record RealSeries(String pkg, LocalDate first, List<Map<String, Long>> days) {
  public static final Path DIR = Path.of("src/test/resources/fixtures/pypistats-real");
  /** 186 real packages' daily overall {@code with_mirrors}, 2020-2023 (see SOURCES.md there). */
  public static final Path OVERALL = Path.of(
      "src/test/resources/fixtures/series/overall-with-mirrors-2020-2023.json");

  /** Every {@code *_system.json} body, sorted by package name. */
  public static List<RealSeries> loadAll() {
    try (Stream<Path> files = Files.list(DIR)) {
      return files.filter(p -> p.getFileName().toString().endsWith("_system.json")).sorted()
          .map(RealSeries::load).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One body, parsed and normalized as the poller does. */
  public static RealSeries load(Path file) {
    String pkg = file.getFileName().toString().replace("_system.json", "");
    List<DownloadRecord> recs;
    try {
      recs = Normalizer.series(pkg, Endpoint.SYSTEM,
          ResponseParser.parseSeries(Files.readAllBytes(file))).records();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    TreeSet<LocalDate> dates = new TreeSet<>();
    TreeSet<String> cats = new TreeSet<>();
    recs.forEach(r -> {
      dates.add(r.date());
      cats.add(r.category());
    });
    LocalDate first = dates.first();
    int n = (int) ChronoUnit.DAYS.between(first, dates.last()) + 1;
    List<Map<String, Long>> days = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, Long> day = new HashMap<>();
      cats.forEach(c -> day.put(c, 0L));
      days.add(day);
    }
    recs.forEach(r -> days.get((int) ChronoUnit.DAYS.between(first, r.date()))
        .put(r.category(), r.downloads()));
    return new RealSeries(recs.get(0).packageName(), first, days);
  }

  /**
   * Every package of an overall {@code {package: {date: with_mirrors}}} file, sorted by name, from
   * its first to its last date; a date absent from the file is unknown (a hole, never zero).
   */
  public static List<RealSeries> loadOverall(Path file) {
    Map<String, Map<String, Long>> all;
    try {
      all = new com.fasterxml.jackson.databind.ObjectMapper().readValue(file.toFile(),
          new com.fasterxml.jackson.core.type.TypeReference<java.util.TreeMap<String,
              Map<String, Long>>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
    List<RealSeries> out = new ArrayList<>();
    all.forEach((pkg, byDate) -> {
      java.util.TreeMap<LocalDate, Long> sorted = new java.util.TreeMap<>();
      byDate.forEach((d, v) -> sorted.put(LocalDate.parse(d), v));
      LocalDate first = sorted.firstKey();
      int n = (int) ChronoUnit.DAYS.between(first, sorted.lastKey()) + 1;
      List<Map<String, Long>> days = new ArrayList<>(java.util.Collections.nCopies(n, null));
      sorted.forEach((d, v) -> days.set((int) ChronoUnit.DAYS.between(first, d),
          new HashMap<>(Map.of(dev.pypiwatch.events.Categories.WITH_MIRRORS, v))));
      out.add(new RealSeries(pkg, first, days));
    });
    return out;
  }

  /** Days {@code from} to {@code from + len - 1} (clipped to the series). */
  public RealSeries slice(int from, int len) {
    return new RealSeries(pkg, date(from), days.subList(from, Math.min(size(), from + len)));
  }

  public int size() {
    return days.size();
  }

  public LocalDate date(int i) {
    return first.plusDays(i);
  }

  /** The day's total (overall without mirrors); -1 if unknown. */
  public long total(int i) {
    Map<String, Long> d = days.get(i);
    return d == null ? -1 : d.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The median of the known daily totals. */
  public double medianTotal() {
    double[] v = new double[size()];
    int n = 0;
    for (int i = 0; i < size(); i++) {
      if (total(i) >= 0) {
        v[n++] = total(i);
      }
    }
    return Robust.median(v, n);
  }

  /** Median absolute day-to-day change of ln(total + 1): the noise the notes tabulate. */
  public double dayToDayNoise() {
    List<Double> d = new ArrayList<>();
    for (int i = 1; i < size(); i++) {
      if (total(i) >= 0 && total(i - 1) >= 0) {
        d.add(Math.abs(Math.log1p(total(i)) - Math.log1p(total(i - 1))));
      }
    }
    return Robust.median(d.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** Every category count times {@code factor}, rounded (the shape kept, the volume changed). */
  public RealSeries scaled(double factor) {
    return map((i, day) -> {
      Map<String, Long> out = new HashMap<>();
      day.forEach((c, v) -> out.put(c, Math.round(v * factor)));
      return out;
    });
  }

  /** Days {@code from} to {@code from + len - 1} multiplied by {@code factor}. */
  public RealSeries multiplied(int from, int len, double factor) {
    return map((i, day) -> i < from || i >= from + len ? day : multiply(day, factor));
  }

  /** Day {@code i} unknown (an upstream hole: no record at all). */
  public RealSeries withHole(int hole) {
    return map((i, day) -> i == hole ? null : day);
  }

  /**
   * From day {@code from} on, {@code category}'s share moved by {@code points} (taken from or given
   * to the other categories in proportion), totals unchanged.
   */
  public RealSeries shifted(int from, String category, double points) {
    return map((i, day) -> i < from ? day : shift(day, category, points));
  }

  private static Map<String, Long> multiply(Map<String, Long> day, double factor) {
    Map<String, Long> out = new HashMap<>();
    day.forEach((c, v) -> out.put(c, Math.round(v * factor)));
    return out;
  }

  private static Map<String, Long> shift(Map<String, Long> day, String category, double points) {
    long total = day.values().stream().mapToLong(Long::longValue).sum();
    long mine = day.getOrDefault(category, 0L);
    long others = total - mine;
    if (total == 0) {
      return day;
    }
    double share = Math.min(1, Math.max(0, (double) mine / total + points));
    long target = Math.round(share * total);
    Map<String, Long> out = new HashMap<>();
    double keep = others == 0 ? 0 : (double) (total - target) / others;
    day.forEach((c, v) -> out.put(c, c.equals(category) ? target : Math.round(v * keep)));
    out.putIfAbsent(category, target);
    return out;
  }

  private interface DayMap {
    Map<String, Long> apply(int i, Map<String, Long> day);
  }

  private RealSeries map(DayMap f) {
    List<Map<String, Long>> out = new ArrayList<>(java.util.Collections.nCopies(size(), null));
    for (int i = 0; i < size(); i++) {
      out.set(i, days.get(i) == null ? null : f.apply(i, days.get(i)));
    }
    return new RealSeries(pkg, first, out);
  }
}
