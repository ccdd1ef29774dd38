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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** ResponseParser.parseSeries (and + Normalizer.records) vs Jackson readTree and a bare token walk of the same bytes. */
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
}
