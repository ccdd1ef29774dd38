package dev.pypiwatch.events;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventCodecTest {
  private static final String DOWNLOAD_JSON = "{\"schema\":\"pypiwatch.download/1\",\"package\":\"pip\","
      + "\"endpoint\":\"overall\",\"category\":\"without_mirrors\",\"date\":\"2026-04-01\",\"downloads\":123,"
      + "\"origin\":\"reported\",\"previous_downloads\":null,\"fetched_at\":\"2026-04-02T02:00:03.120Z\","
      + "\"source\":\"https://pypistats.org/api/packages/pip/overall\"}";

  @Test
  void encodesDownloadExactly() {
    assertEquals(DOWNLOAD_JSON, new String(EventCodec.encode(Samples.download("pip", "2026-04-01", 123)), UTF_8));
  }

  @Test
  void downloadRoundTrips() {
    DownloadObservation revision = new DownloadObservation(
        new DownloadRecord("numpy", Endpoint.SYSTEM, "linux", LocalDate.parse("2026-03-31"), 42),
        Origin.REPORTED, 40L, Instant.parse("2026-04-02T02:00:03.123456789Z"), "https://x/y?os=linux");
    DownloadObservation zero = new DownloadObservation(
        new DownloadRecord("tiny-pkg", Endpoint.PYTHON_MINOR, "3.12", LocalDate.parse("2026-03-30"), 0),
        Origin.ZERO_FILLED, null, Samples.FETCHED, "https://x/z");
    for (DownloadObservation o : new DownloadObservation[] {revision, zero, Samples.download("pip", "2026-04-01", 1)}) {
      assertEquals(o, EventCodec.decodeDownload(EventCodec.encode(o)));
    }
    assertEquals(Samples.download("pip", "2026-04-01", 123), EventCodec.decodeDownload(DOWNLOAD_JSON.getBytes(UTF_8)));
  }

  @Test
  void encodesRecentExactlyAndRoundTrips() {
    RecentObservation r = Samples.recent("pip", 10L, 70L, null);
    String json = new String(EventCodec.encode(r), UTF_8);
    assertEquals("{\"schema\":\"pypiwatch.recent/1\",\"package\":\"pip\",\"last_day\":10,\"last_week\":70,"
        + "\"last_month\":null,\"as_of\":\"2026-04-01\",\"fetched_at\":\"2026-04-02T02:00:03.120Z\","
        + "\"source\":\"https://pypistats.org/api/packages/pip/recent\"}", json);
    assertEquals(r, EventCodec.decodeRecent(json.getBytes(UTF_8)));
    RecentObservation noDate = new RecentObservation(r.recent(), null, r.fetchedAt(), r.source());
    assertEquals(noDate, EventCodec.decodeRecent(EventCodec.encode(noDate)));
  }

  @Test
  void ignoresUnknownFieldsAndAcceptsAbsentNullables() {
    String json = DOWNLOAD_JSON.replace("\"previous_downloads\":null,", "\"extra\":{\"a\":[1,2]},");
    assertEquals(Samples.download("pip", "2026-04-01", 123), EventCodec.decodeDownload(json.getBytes(UTF_8)));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "\"downloads\":123|\"downloads\":-1|downloads|downloads < 0",
    "\"downloads\":123|\"downloads\":\"123\"|downloads|expected an integer",
    "\"downloads\":123|\"downloads\":1.5|downloads|1.5",
    "\"downloads\":123|\"downloads\":99999999999999999999|downloads|out of range",
    "\"downloads\":123,|''|downloads|missing",
    "\"date\":\"2026-04-01\"|\"date\":\"01/04/2026\"|date|YYYY-MM-DD",
    "\"endpoint\":\"overall\"|\"endpoint\":\"recent\"|endpoint|expected one of overall",
    "\"origin\":\"reported\"|\"origin\":\"guessed\"|origin|zero-filled",
    "\"origin\":\"reported\"|\"origin\":\"zero-filled\"|origin|0 downloads",
    "\"schema\":\"pypiwatch.download/1\"|\"schema\":\"pypiwatch.download/2\"|schema|pypiwatch.download/1",
    "\"package\":\"pip\"|\"package\":null|package|is null",
    "\"fetched_at\":\"2026-04-02T02:00:03.120Z\"|\"fetched_at\":\"yesterday\"|fetched_at|RFC 3339",
    "\"fetched_at\":\"2026-04-02T02:00:03.120Z\"|\"fetched_at\":\"2026-02-29T02:00:03.120Z\"|fetched_at|'2026-02-29T02:00:03.120Z'",
    "\"fetched_at\":\"2026-04-02T02:00:03.120Z\"|\"fetched_at\":\"2026-04-02T02:00:60.120Z\"|fetched_at|RFC 3339",
    "\"date\":\"2026-04-01\"|\"date\":\"2026-04-31\"|date|got '2026-04-31'",
    "\"date\":\"2026-04-01\"|\"date\":\"2026-4-01\"|date|YYYY-MM-DD",
    "\"category\":\"without_mirrors\"|\"category\":[1]|category|an array",
    "\"previous_downloads\":null|\"previous_downloads\":true|previous_downloads|true",
  })
  void decodeErrorsNameFieldAndProblem(String from, String to, String field, String problem) {
    String json = DOWNLOAD_JSON.replace(from, to);
    EventDecodingException e = assertThrows(EventDecodingException.class,
        () -> EventCodec.decodeDownload(json.getBytes(UTF_8)));
    assertEquals(field, e.field(), e.getMessage());
    assertTrue(e.getMessage().contains(field) && e.getMessage().contains(problem), e.getMessage());
    // the rule and notify stages' decoding checks the same and says it in the same words
    assertEquals(e.getMessage(), assertThrows(EventDecodingException.class,
        () -> EventCodec.decodeRecord(json.getBytes(UTF_8))).getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "{\"a\":1,\"a\":2}|Duplicate field 'a'",
    "{\"a\":1,\"b\":null,\"c\":\"x\",\"b\":null}|Duplicate field 'b'",
    "{\"x\":{\"b\":1,\"b\":2}}|Duplicate field 'b'",
    "{\"x\":[1,{\"b\":1,\"b\":2}]}|Duplicate field 'b'",
    "{\"x\":{\"y\":{\"b\":1,\"b\":2}}}|Duplicate field 'b'",
    "{\"a\":1,\"a\":2,}|Duplicate field 'a'",
    "{\"a\":1,\"a\"|Duplicate field 'a'",
    "{\"a\":1,\"a\":[|Duplicate field 'a'",
    "{\"a\":{\"b\":1,\"b\":2},\"a\":3}|Duplicate field 'b'",
    "{\"a\":1,\"b\"|Unexpected end-of-input within/between Object entries",
  })
  void duplicateFieldsAreMalformedAtAnyDepth(String json, String problem) {
    EventDecodingException e = assertThrows(EventDecodingException.class, () -> EventCodec.parse(json.getBytes(UTF_8)));
    assertNull(e.field());
    assertEquals("malformed JSON: " + problem, e.getMessage());
  }

  @Test
  void sameNamesInSeparateObjectsAreNoDuplicates() {
    JsonFields f = EventCodec.parse("{\"x\":{\"b\":1,\"c\":{\"b\":2}},\"y\":[{\"b\":3},{\"b\":4}],\"b\":5}"
        .getBytes(UTF_8));
    assertEquals(5, f.requiredLong("b"));
    assertEquals(2, f.optionalObject("x").get("c").get("b").asLong());
  }

  @Test
  void downloadsOfEveryShapeRoundTripThroughBothDecoders() {
    java.util.Random random = new java.util.Random(15);
    Endpoint[] series = {Endpoint.OVERALL, Endpoint.PYTHON_MAJOR, Endpoint.PYTHON_MINOR, Endpoint.SYSTEM};
    for (int k = 0; k < 20_000; k++) {
      Origin origin = Origin.values()[random.nextInt(Origin.values().length)];
      DownloadRecord r = new DownloadRecord("p" + random.nextInt(1000), series[random.nextInt(series.length)],
          random.nextBoolean() ? "3." + random.nextInt(20) : Categories.UNKNOWN,
          LocalDate.ofEpochDay(random.nextInt(3_000_000) - 700_000),
          origin == Origin.ZERO_FILLED ? 0 : random.nextLong() & Long.MAX_VALUE);
      DownloadObservation o = new DownloadObservation(r, origin, random.nextBoolean() ? null : (long) random.nextInt(),
          Instant.ofEpochSecond(random.nextLong() % 250_000_000_000L, random.nextInt(1_000_000_000)),
          "https://pypistats.org/api/packages/" + r.packageName());
      byte[] json = EventCodec.encode(o);
      assertEquals(o, EventCodec.decodeDownload(json));
      assertEquals(r, EventCodec.decodeRecord(json));
      // With its compact copy when it has one (a date before 1970 has none: read from the JSON).
      byte[] compact = CompactRecord.encode(r);
      assertEquals(r.date().getYear() >= 1970, compact != null);
      assertEquals(r, EventCodec.decodeRecord(json, compact));
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"[1,2]|expected a JSON object", "{\"a\":|malformed JSON",
      "{\"a\":1,\"a\":2}|malformed JSON", "{} {}|after the JSON object", "''|value is empty"})
  void malformedDocumentsAreReported(String json, String problem) {
    EventDecodingException e = assertThrows(EventDecodingException.class,
        () -> EventCodec.decodeRecent(json.getBytes(UTF_8)));
    assertNull(e.field());
    assertTrue(e.getMessage().contains(problem), e.getMessage());
  }

  @Test
  void recentWithWrongSchemaOrNegativeFigureIsRejected() {
    assertEquals("schema", assertThrows(EventDecodingException.class,
        () -> EventCodec.decodeRecent(DOWNLOAD_JSON.getBytes(UTF_8))).field());
    String negative = new String(EventCodec.encode(Samples.recent("pip", 1L, 2L, 3L)), UTF_8)
        .replace("\"last_week\":2", "\"last_week\":-2");
    EventDecodingException e = assertThrows(EventDecodingException.class,
        () -> EventCodec.decodeRecent(negative.getBytes(UTF_8)));
    assertTrue(e.getMessage().contains("lastWeek < 0"), e.getMessage());
    assertThrows(EventDecodingException.class, () -> EventCodec.decodeRecent(null));
  }
}
