package dev.pypiwatch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pypiwatch.events.DownloadObservation;
import dev.pypiwatch.events.DownloadRecord;
import dev.pypiwatch.events.Endpoint;
import dev.pypiwatch.events.EventCodec;
import dev.pypiwatch.events.Origin;
import dev.pypiwatch.kafka.CloudEventHeaders;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.Headers;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** EventCodec encode/decode of a DownloadObservation (and its CloudEvents headers) vs Jackson writeValueAsBytes(Map) / readTree. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class EventCodecBench {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private DownloadObservation observation;
  private Map<String, Object> flat;
  private byte[] json;

  @Setup
  public void setUp() throws IOException {
    String source = "https://pypistats.org/api/packages/requests/python_minor";
    observation = new DownloadObservation(
        new DownloadRecord("requests", Endpoint.PYTHON_MINOR, "3.12", LocalDate.of(2025, 6, 30), 1_234_567),
        Origin.REPORTED, 1_234_000L, Instant.parse("2025-07-01T02:00:00.123Z"), source);
    json = EventCodec.encode(observation);
    flat = new LinkedHashMap<>();
    flat.put("schema", EventCodec.DOWNLOAD_SCHEMA);
    flat.put("package", "requests");
    flat.put("endpoint", "python_minor");
    flat.put("category", "3.12");
    flat.put("date", "2025-06-30");
    flat.put("downloads", 1_234_567L);
    flat.put("origin", "reported");
    flat.put("previous_downloads", 1_234_000L);
    flat.put("fetched_at", "2025-07-01T02:00:00.123Z");
    flat.put("source", source);
    if (!Arrays.equals(json, MAPPER.writeValueAsBytes(flat))) {
      throw new IllegalStateException("reference map does not encode to the same JSON");
    }
  }

  @Benchmark
  public byte[] encode() {
    return EventCodec.encode(observation);
  }

  @Benchmark
  public DownloadObservation decode() {
    return EventCodec.decodeDownload(json);
  }

  @Benchmark
  public Headers cloudEventHeaders() {
    return CloudEventHeaders.forDownload(observation);
  }

  /** Reference for encode: Jackson data binding of the equivalent flat map (same bytes out). */
  @Benchmark
  public byte[] refJacksonWriteMap() throws IOException {
    return MAPPER.writeValueAsBytes(flat);
  }

  /** Reference for decode: Jackson tree model of the same bytes. */
  @Benchmark
  public JsonNode refJacksonReadTree() throws IOException {
    return MAPPER.readTree(json);
  }
}
