package dev.pypiwatch.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.ingest.Recording;
import dev.pypiwatch.ingest.RecordingReader;
import dev.pypiwatch.rules.Backtest;
import dev.pypiwatch.rules.RulesConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Backtest of N synthetic packages × 180 days (overall 2, python_minor 15, system 5 categories;
 * python_major derived) read from a recording on disk, as {@code pypiwatch backtest} runs it (one
 * worker a core, each reading a package and replaying it at once), against the reference: the
 * same number of threads reading the same files and building a Jackson {@code readTree} of each.
 *
 * <p>{@link #main} writes such a recording for a one-off CLI timing ({@code BacktestBench DIR
 * PACKAGES}), and times the reference alone in a fresh JVM, as the CLI runs ({@code BacktestBench
 * --read-tree DIR}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class BacktestBench {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  static final int DAYS = 180;
  static final LocalDate FIRST = LocalDate.of(2025, 10, 1);

  @Param({"100"})
  public int packages;

  private Recording recording;
  private List<String> names;
  private List<Path> files;

  @Setup
  public void setUp() throws IOException {
    Path dir = Path.of("target", "bench-backtest-" + packages);
    if (!Files.isDirectory(dir.resolve(name(packages - 1)))) {
      generate(dir, packages);
    }
    recording = new Recording(dir);
    names = RecordingReader.open(recording, "").packages(w -> { });
    files = new ArrayList<>();
    for (String n : names) {
      for (Endpoint e : List.of(Endpoint.OVERALL, Endpoint.PYTHON_MINOR, Endpoint.SYSTEM)) {
        files.add(recording.file(n, e));
      }
    }
    Backtest.Result r = backtest();
    if (r.packages() != packages || r.days() != DAYS || r.records() != (long) packages * DAYS * (2 + 15 + 3 + 5)) {
      throw new IllegalStateException("unexpected replay: " + r);
    }
  }

  /**
   * Read, normalize, zero-fill decisions and replay through the rule engine, as the CLI does: each
   * worker reads a package and replays it with its own engine.
   */
  @Benchmark
  public Backtest.Result backtest() {
    RecordingReader reader = RecordingReader.open(recording, "");
    Backtest backtest = new Backtest(RulesConfig.DEFAULTS);
    Backtest.Replayed[] replayed = new Backtest.Replayed[names.size()];
    inParallel(() -> backtest.replayer(Map.of(), null, null),
        (replayer, i) -> replayed[i] = replayer.replay(names.get(i), reader.read(names.get(i), w -> { })));
    return Backtest.result(List.of(replayed));
  }

  /** Read, normalize and zero-fill decisions only (what precedes the replay), on as many threads. */
  @Benchmark
  public Map<String, List<DownloadRecord>> readRecording() {
    return readAll();
  }

  /** Reference: as many threads as {@link #backtest} read the same files and build a Jackson tree of each. */
  @Benchmark
  public int refJacksonReadTree() {
    return readTrees(files, names.size());
  }

  /** The rows of {@code files} (those of {@code packages} packages), read as {@link #refJacksonReadTree} does. */
  static int readTrees(List<Path> files, int packages) {
    AtomicInteger rows = new AtomicInteger();
    int perPackage = files.size() / packages;
    inParallel(() -> null, (none, i) -> {
      for (Path f : files.subList(i * perPackage, (i + 1) * perPackage)) {
        try {
          rows.addAndGet(MAPPER.readTree(Files.readAllBytes(f)).get("data").size());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }, packages);
    return rows.get();
  }

  private void inParallel(Supplier<Backtest.Replayer> perThread, BiConsumer<Backtest.Replayer, Integer> task) {
    inParallel(perThread, task, names.size());
  }

  /**
   * Runs {@code task(state, i)} for i in [0, n) on as many threads as the CLI's backtest uses (one a
   * core), each taking the next i, each with its own {@code state}.
   */
  static <S> void inParallel(Supplier<S> perThread, BiConsumer<S, Integer> task, int n) {
    int threads = Math.max(1, Math.min(n, Runtime.getRuntime().availableProcessors()));
    AtomicInteger next = new AtomicInteger();
    List<Thread> workers = new ArrayList<>();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    for (int t = 0; t < threads; t++) {
      Thread worker = new Thread(() -> {
        S state = perThread.get();
        try {
          for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
            task.accept(state, i);
          }
        } catch (Throwable e) {
          failed.compareAndSet(null, e);
        }
      }, "bench-worker");
      worker.start();
      workers.add(worker);
    }
    for (Thread w : workers) {
      try {
        w.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    if (failed.get() != null) {
      throw new IllegalStateException(failed.get());
    }
  }

  private Map<String, List<DownloadRecord>> readAll() {
    RecordingReader reader = RecordingReader.open(recording, "");
    Map<String, List<DownloadRecord>> series = new ConcurrentHashMap<>();
    inParallel(() -> null, (none, i) -> series.put(names.get(i), reader.read(names.get(i), w -> { })), names.size());
    return series;
  }

  private static String name(int i) {
    return String.format("pkg-%04d", i);
  }

  /** Writes {@code packages} packages × {@value #DAYS} days as {@code pypiwatch record} would. */
  static void generate(Path dir, int packages) throws IOException {
    Recording r = new Recording(dir);
    for (int i = 0; i < packages; i++) {
      String pkg = name(i);
      r.write(pkg, Endpoint.OVERALL, body(pkg, "overall_downloads", SeriesBodies.OVERALL));
      r.write(pkg, Endpoint.PYTHON_MINOR, body(pkg, "python_minor_downloads", SeriesBodies.MINOR_15));
      r.write(pkg, Endpoint.SYSTEM, body(pkg, "system_downloads", SeriesBodies.SYSTEM));
    }
  }

  private static String body(String pkg, String type, List<String> categories) {
    return new String(SeriesBodies.body(pkg, type, categories, FIRST, DAYS), java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * {@code BacktestBench DIR PACKAGES}: writes a recording for timing the CLI; {@code BacktestBench
   * --read-tree DIR}: the reference for that timing, in a fresh JVM like the CLI's (wall time of
   * listing the packages and reading their files, as {@link #refJacksonReadTree} does).
   */
  public static void main(String[] args) throws IOException {
    if (!args[0].equals("--read-tree")) {
      generate(Path.of(args[0]), Integer.parseInt(args[1]));
      return;
    }
    long started = System.nanoTime();
    Recording recording = new Recording(Path.of(args[1]));
    List<String> names = RecordingReader.open(recording, "").packages(w -> { });
    List<Path> files = new ArrayList<>();
    for (String n : names) {
      for (Endpoint e : List.of(Endpoint.OVERALL, Endpoint.PYTHON_MINOR, Endpoint.SYSTEM)) {
        files.add(recording.file(n, e));
      }
    }
    int rows = readTrees(files, names.size());
    System.out.printf(java.util.Locale.ROOT, "readTree: %d package(s), %d row(s), %.2f s%n", names.size(), rows,
        (System.nanoTime() - started) / 1e9);
  }
}
