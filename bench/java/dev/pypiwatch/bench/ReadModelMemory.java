package dev.pypiwatch.bench;

import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertState;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.Severity;
import dev.pypiwatch.http.ReadModel;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The live heap of the HTTP stage's {@link ReadModel} for N packages x 180 days x 21 series (the
 * categories a package has on the four time-series endpoints) plus four alert transitions a
 * package, against two references built from the same counts in the same run: bare
 * {@code long[]} arrays (the floor: 8 bytes a day and nothing else) and nested {@code TreeMap}s of
 * {@code LocalDate -> Long} (the obvious design, and the read model's before this one). Plain
 * {@code main}: heap after full GCs, not time.
 *
 * <p>Args: package counts, default {@code 1000 5000}.
 */
public final class ReadModelMemory {
  private static final int DAYS = 180;
  private static final LocalDate NEWEST = LocalDate.of(2026, 12, 5);
  private static final Map<Endpoint, List<String>> CATEGORIES = Map.of(
      Endpoint.OVERALL, List.of("with_mirrors", "without_mirrors"),
      Endpoint.PYTHON_MAJOR, List.of("2", "3", "null"),
      Endpoint.PYTHON_MINOR, List.of("2.7", "3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14",
          "null"),
      Endpoint.SYSTEM, List.of("windows", "linux", "darwin", "other", "null"));

  private ReadModelMemory() {}

  public static void main(String[] args) {
    int[] sizes = args.length == 0 ? new int[] {1000, 5000} : java.util.Arrays.stream(args)
        .mapToInt(Integer::parseInt).toArray();
    int series = CATEGORIES.values().stream().mapToInt(List::size).sum();
    System.out.printf("%d series a package, %d days, %d alert transitions a package%n", series, DAYS, 4);
    System.out.println("| packages | read model | long[] floor | TreeMaps | model / floor | model / TreeMaps |");
    System.out.println("|---:|---:|---:|---:|---:|---:|");
    for (int n : sizes) {
      long model = measure(() -> readModel(n));
      long floor = measure(() -> floor(n, series));
      long treeMaps = measure(() -> treeMaps(n));
      System.out.printf("| %,d | %.1f MB (%.1f KB/pkg) | %.1f MB | %.1f MB | %.2f | %.2f |%n", n, mb(model),
          model / 1024.0 / n, mb(floor), mb(treeMaps), (double) model / floor, (double) model / treeMaps);
    }
  }

  private static double mb(long bytes) {
    return bytes / 1024.0 / 1024.0;
  }

  /** Live heap grown by what {@code build} returns while it is still referenced. */
  private static long measure(java.util.function.Supplier<Object> build) {
    long before = liveHeap();
    Object kept = build.get();
    long after = liveHeap();
    if (kept.hashCode() == 42) { // keeps it reachable through the measurement
      System.out.print("");
    }
    return after - before;
  }

  private static long liveHeap() {
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 4; i++) {
      System.gc();
    }
    return mem.getHeapMemoryUsage().getUsed();
  }

  private static long count(int pkg, int seriesIndex, int day) {
    // Varied and non-constant so nothing is shared or cached (Long.valueOf caches -128..127).
    return 1_000L + pkg * 37L + seriesIndex * 1_013L + day * 7L;
  }

  private static ReadModel readModel(int n) {
    ReadModel m = new ReadModel();
    for (int p = 0; p < n; p++) {
      String pkg = "package-" + p;
      int s = 0;
      for (var e : CATEGORIES.entrySet()) {
        for (String category : e.getValue()) {
          for (int d = 0; d < DAYS; d++) {
            m.add(new DownloadRecord(pkg, e.getKey(), category, NEWEST.minusDays(d), count(p, s, d)));
          }
          s++;
        }
      }
      for (int a = 0; a < 4; a++) {
        m.add(new Alert(pkg + "|spike|overall|without_mirrors", pkg, "spike", "overall", "without_mirrors",
            NEWEST.minusDays(a * 10L), a % 2 == 0 ? AlertState.FIRING : AlertState.RESOLVED, Severity.WARNING,
            5_000, 1_000, 6.5, pkg + ": 5,000 downloads, 5.0x the usual 1,000", Alert.linkOf(pkg)));
      }
    }
    return m;
  }

  private static long[][] floor(int n, int series) {
    long[][] out = new long[n * series][];
    for (int i = 0; i < out.length; i++) {
      out[i] = new long[DAYS];
      for (int d = 0; d < DAYS; d++) {
        out[i][d] = count(i / series, i % series, d);
      }
    }
    return out;
  }

  private static Map<String, Map<String, TreeMap<LocalDate, Long>>> treeMaps(int n) {
    Map<String, Map<String, TreeMap<LocalDate, Long>>> out = new HashMap<>();
    for (int p = 0; p < n; p++) {
      Map<String, TreeMap<LocalDate, Long>> byCategory = new HashMap<>();
      int s = 0;
      List<String> keys = new ArrayList<>();
      CATEGORIES.forEach((e, cs) -> cs.forEach(c -> keys.add(e.path() + "/" + c)));
      for (String key : keys) {
        TreeMap<LocalDate, Long> days = new TreeMap<>();
        for (int d = 0; d < DAYS; d++) {
          days.put(NEWEST.minusDays(d), count(p, s, d));
        }
        byCategory.put(key, days);
        s++;
      }
      out.put("package-" + p, byCategory);
    }
    return out;
  }
}
