package dev.pypiwatch.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pypiwatch.api.ResponseParser;
import dev.pypiwatch.api.SeriesResponse;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.ingest.Normalizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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
 * ResponseParser.parseSeries (and + Normalizer.records) vs Jackson readTree and a bare token walk of
 * the same bytes.
 *
 * <p>{@link #main} measures the same three in thread CPU time, interleaved in rounds: on a shared,
 * loaded machine the other processes take wall time from a JMH iteration, not CPU time from it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class ResponseParserBench {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  /** llm_system: the real fixture (814 rows, pretty-printed); python_minor_181x20: synthetic, compact. */
  @Param({"llm_system", "python_minor_181x20"})
  public String body;

  private byte[] bytes;
  private Endpoint endpoint;

  @Setup
  public void setUp() throws IOException {
    if (body.equals("llm_system")) {
      bytes = Files.readAllBytes(Path.of("src/test/resources/fixtures/pypistats-real/llm_system.json"));
      endpoint = Endpoint.SYSTEM;
    } else {
      bytes = SeriesBodies.body("busy", "python_minor_downloads", SeriesBodies.MINOR_20,
          LocalDate.of(2025, 1, 1), 181);
      endpoint = Endpoint.PYTHON_MINOR;
    }
  }

  @Benchmark
  public SeriesResponse parseSeries() {
    return ResponseParser.parseSeries(bytes);
  }

  @Benchmark
  public List<DownloadRecord> parseSeriesAndNormalize() {
    return Normalizer.series("busy", endpoint, ResponseParser.parseSeries(bytes)).records();
  }

  /** Reference: Jackson tree model of the same bytes. */
  @Benchmark
  public JsonNode refJacksonReadTree() throws IOException {
    return MAPPER.readTree(bytes);
  }

  /** Floor: every token of the same bytes, nothing built. */
  @Benchmark
  public int refJacksonTokens() throws IOException {
    int n = 0;
    try (JsonParser p = FACTORY.createParser(bytes)) {
      while (p.nextToken() != null) {
        n++;
      }
    }
    return n;
  }

  /**
   * {@code ResponseParserBench [ROUNDS]}: per body, after a warm-up, ROUNDS (default 15) rounds of
   * 200 token walks, 200 parses, 200 parses + normalizations and 200 token walks, each timed in
   * the thread's CPU time; prints each round's ratios to the token walk (the mean of the round's
   * two) and their median, min and max.
   */
  public static void main(String[] args) throws IOException {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (String name : List.of("llm_system", "python_minor_181x20")) {
      ResponseParserBench b = new ResponseParserBench();
      b.body = name;
      b.setUp();
      List<Runnable> ops = List.of(() -> sink += uncheck(b::refJacksonTokens), () -> sink += b.parseSeries().rows().size(),
          () -> sink += b.parseSeriesAndNormalize().size());
      for (int i = 0; i < 3_000; i++) {
        ops.forEach(Runnable::run);
      }
      double[] parse = new double[rounds];
      double[] normalize = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        long tokens = cpuNanos(threads, ops.get(0));
        parse[r] = cpuNanos(threads, ops.get(1));
        normalize[r] = cpuNanos(threads, ops.get(2));
        double walk = (tokens + cpuNanos(threads, ops.get(0))) / 2.0;
        parse[r] /= walk;
        normalize[r] /= walk;
        System.out.printf(Locale.ROOT, "%s round %d: token walk %.1f µs/op; x token walk: parseSeries %.2f,"
            + " parseSeriesAndNormalize %.2f%n", name, r + 1, walk / 200 / 1e3, parse[r], normalize[r]);
      }
      System.out.printf(Locale.ROOT, "%s: x token walk, median (min-max) of %d rounds: parseSeries %s,"
          + " parseSeriesAndNormalize %s%n", name, rounds, spread(parse), spread(normalize));
    }
  }

  private static int sink;

  private static long cpuNanos(ThreadMXBean threads, Runnable op) {
    long start = threads.getCurrentThreadCpuTime();
    for (int i = 0; i < 200; i++) {
      op.run();
    }
    return threads.getCurrentThreadCpuTime() - start;
  }

  private interface IoSupplier {
    int get() throws IOException;
  }

  private static int uncheck(IoSupplier s) {
    try {
      return s.get();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String spread(double[] ratios) {
    double[] sorted = ratios.clone();
    Arrays.sort(sorted);
    return String.format(Locale.ROOT, "%.2f (%.2f-%.2f)", sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1]);
  }
}
