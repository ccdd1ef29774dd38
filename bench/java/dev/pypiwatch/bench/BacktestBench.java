package dev.pypiwatch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.ingest.Recording;
import dev.pypiwatch.ingest.RecordingReader;
import dev.pypiwatch.rules.Backtest;
import dev.pypiwatch.rules.RulesConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * python_major derived) read from a recording on disk, single-threaded, against the reference:
 * reading the same files and Jackson {@code readTree} of each.
 *
 * <p>{@link #main} writes such a recording for a one-off CLI timing:
 * {@code BacktestBench DIR PACKAGES}.
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

  /** Read, normalize, zero-fill decisions and replay through the rule engine. */
  @Benchmark
  public Backtest.Result backtest() {
    return new Backtest(RulesConfig.DEFAULTS).run(readAll(), null, null);
  }

  /** Read, normalize and zero-fill decisions only (what precedes the replay). */
  @Benchmark
  public Map<String, List<DownloadRecord>> readRecording() {
    return readAll();
  }

  /** Reference: read the same files and build a Jackson tree of each. */
  @Benchmark
  public int refJacksonReadTree() throws IOException {
    int n = 0;
    for (Path f : files) {
      JsonNode tree = MAPPER.readTree(Files.readAllBytes(f));
      n += tree.get("data").size();
    }
    return n;
  }

  private Map<String, List<DownloadRecord>> readAll() {
    RecordingReader reader = RecordingReader.open(recording, "");
    Map<String, List<DownloadRecord>> series = new HashMap<>();
    for (String n : names) {
      series.put(n, reader.read(n, w -> { }));
    }
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

  /** {@code BacktestBench DIR PACKAGES}: writes a recording for timing the CLI. */
  public static void main(String[] args) throws IOException {
    generate(Path.of(args[0]), Integer.parseInt(args[1]));
  }
}
