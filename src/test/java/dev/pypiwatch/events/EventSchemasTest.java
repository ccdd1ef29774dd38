package dev.pypiwatch.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pypiwatch.notify.Notification;
import dev.pypiwatch.notify.NotificationCodec;
import dev.pypiwatch.notify.NotificationCodecTest;
import dev.pypiwatch.notify.SentRecord;
import dev.pypiwatch.testing.EventSchemas;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The JSON Schemas match what the codecs write: every field named, every encoding valid (checked by
 * a JSON Schema library, {@link EventSchemas}), every example decodable.
 */
class EventSchemasTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode schema(String name) throws IOException {
    try (InputStream in = EventSchemasTest.class.getResourceAsStream("/schemas/" + name)) {
      return JSON.readTree(in);
    }
  }

  @Test
  void downloadSchemaDescribesExactlyTheEncodedFields() throws IOException {
    JsonNode s = schema("download-observation.schema.json");
    assertEquals("https://json-schema.org/draft/2020-12/schema", s.get("$schema").asText());
    DownloadObservation revision = new DownloadObservation(
        new DownloadRecord("numpy", Endpoint.SYSTEM, "linux", LocalDate.parse("2026-03-31"), 42),
        Origin.REPORTED, 40L, Instant.parse("2026-04-02T02:00:03Z"), "https://x");
    for (DownloadObservation o : List.of(Samples.download("pip", "2026-04-01", 123), revision)) {
      JsonNode doc = JSON.readTree(EventCodec.encode(o));
      assertEquals(fieldNames(s.get("properties")), fieldNames(doc));
      assertEquals(List.of(), EventSchemas.errors("download-observation.schema.json", doc.toString()));
    }
    assertEquals(Samples.download("pip", "2026-04-01", 123),
        EventCodec.decodeDownload(JSON.writeValueAsBytes(s.get("examples").get(0))));
  }

  @Test
  void recentSchemaDescribesExactlyTheEncodedFields() throws IOException {
    JsonNode s = schema("recent-observation.schema.json");
    assertEquals("https://json-schema.org/draft/2020-12/schema", s.get("$schema").asText());
    RecentObservation sparse = new RecentObservation(new RecentDownloads("pip", 5L, null, null), null,
        Samples.FETCHED, "https://x");
    for (RecentObservation o : List.of(Samples.recent("pip", 1L, 2L, 3L), sparse)) {
      JsonNode doc = JSON.readTree(EventCodec.encode(o));
      assertEquals(fieldNames(s.get("properties")), fieldNames(doc));
      assertEquals(List.of(), EventSchemas.errors("recent-observation.schema.json", doc.toString()));
    }
    EventCodec.decodeRecent(JSON.writeValueAsBytes(s.get("examples").get(0)));
  }

  @Test
  void sentSchemaDescribesExactlyTheEncodedFields() throws IOException {
    JsonNode s = schema("notification-sent.schema.json");
    assertEquals("https://json-schema.org/draft/2020-12/schema", s.get("$schema").asText());
    for (SentRecord r : List.of(NotificationCodecTest.SENT, NotificationCodecTest.DIGEST_DEAD)) {
      JsonNode doc = JSON.readTree(NotificationCodec.encode(r));
      assertEquals(fieldNames(s.get("properties")), fieldNames(doc));
      assertEquals(List.of(), EventSchemas.errors("notification-sent.schema.json", doc.toString()));
    }
    assertEquals("ops|spike:pip:overall:without_mirrors|firing|2026-04-03",
        NotificationCodec.decodeSent(JSON.writeValueAsBytes(s.get("examples").get(0))).key());
    Set<String> whats = new TreeSet<>();
    s.get("properties").get("what").get("enum").forEach(e -> whats.add(e.asText()));
    Set<String> expected = new TreeSet<>(Set.of(SentRecord.REMINDER, SentRecord.DIGEST));
    for (AlertState st : AlertState.values()) {
      expected.add(st.wire());
    }
    assertEquals(expected, whats);
  }

  @Test
  void deadLetterSchemaDescribesExactlyTheEncodedFields() throws IOException {
    JsonNode s = schema("notification-dlq.schema.json");
    JsonNode doc = JSON.readTree(NotificationCodec.encodeDeadLetter(NotificationCodecTest.notification(), "HTTP 404",
        1, Instant.parse("2026-04-03T03:00:31Z")));
    assertEquals(fieldNames(s.get("properties")), fieldNames(doc));
    // its alerts are checked through the schema's $ref to alert.schema.json
    assertEquals(List.of(), EventSchemas.errors("notification-dlq.schema.json", doc.toString()));
    assertEquals(2, doc.get("alerts").size());
    for (JsonNode a : doc.get("alerts")) {
      assertEquals(List.of(), EventSchemas.errors("alert.schema.json", a.toString()));
    }
    for (JsonNode a : s.get("examples").get(0).get("alerts")) {
      AlertCodec.decode(JSON.writeValueAsBytes(a));
    }
    Set<String> kinds = new TreeSet<>();
    s.get("properties").get("kind").get("enum").forEach(e -> kinds.add(e.asText()));
    Set<String> expected = new TreeSet<>();
    for (Notification.Kind k : Notification.Kind.values()) {
      expected.add(NotificationCodec.wire(k));
    }
    assertEquals(expected, kinds);
  }

  @Test
  void silenceSchemaDescribesExactlyTheEncodedFields() throws IOException {
    JsonNode s = schema("silence.schema.json");
    assertEquals("https://json-schema.org/draft/2020-12/schema", s.get("$schema").asText());
    Silence timed = new Silence("0b7f3c1e-5d2a-4c8e-9f61-3a2b1c0d4e5f",
        new AlertMatcher(List.of("rocket*"), List.of("spike"), List.of(), List.of()),
        Instant.parse("2026-12-06T10:00:00Z"), Instant.parse("2026-12-13T10:00:00Z"), null, "new release", "alice",
        Instant.parse("2026-12-06T09:58:12.431Z"), Silence.Source.API);
    Silence untilResolved = new Silence("x", AlertMatcher.ANY, Instant.parse("2026-12-06T10:00:00Z"), null,
        "spike:pip:overall:without_mirrors", "", "", Instant.parse("2026-12-06T10:00:00Z"), Silence.Source.API);
    for (Silence silence : List.of(timed, untilResolved)) {
      JsonNode doc = JSON.readTree(SilenceCodec.encode(silence));
      assertEquals(fieldNames(s.get("properties")), fieldNames(doc));
      assertEquals(4, doc.get("match").size());
      assertEquals(List.of(), EventSchemas.errors("silence.schema.json", doc.toString()));
      assertEquals(silence, SilenceCodec.decode(SilenceCodec.encode(silence)), "round trip");
    }
    assertEquals(timed, SilenceCodec.decode(JSON.writeValueAsBytes(s.get("examples").get(0))));
  }

  @Test
  void theValidatorCatchesEachKindOfViolation() {
    String ok = "{\"schema\":\"pypiwatch.download/1\",\"package\":\"pip\",\"endpoint\":\"overall\","
        + "\"category\":\"without_mirrors\",\"date\":\"2026-04-01\",\"downloads\":123,\"origin\":\"reported\","
        + "\"previous_downloads\":null,\"fetched_at\":\"2026-04-02T02:00:03.120Z\",\"source\":\"https://x\"}";
    String file = "download-observation.schema.json";
    assertEquals(List.of(), EventSchemas.errors(file, ok));
    Map<String, String> broken = Map.of(
        "wrong type", ok.replace("\"downloads\":123", "\"downloads\":\"123\""),
        "missing required", ok.replace("\"source\":\"https://x\"", "\"sourc\":\"https://x\""),
        "extra property", ok.replace("{", "{\"extra\":1,"),
        "const", ok.replace("pypiwatch.download/1", "pypiwatch.download/2"),
        "enum", ok.replace("\"overall\"", "\"recent\""),
        "pattern", ok.replace("\"pip\"", "\"Pip\""),
        "minimum", ok.replace("123", "-1"),
        "format date", ok.replace("2026-04-01", "2026-02-30"),
        "if/then (a zero-filled day is 0)", ok.replace("reported", "zero-filled"));
    broken.forEach((kind, json) -> assertFalse(EventSchemas.errors(file, json).isEmpty(), kind + ": " + json));
    assertTrue(EventSchemas.errors(file, broken.get("wrong type")).toString().contains("/downloads"),
        EventSchemas.errors(file, broken.get("wrong type")).toString());
    assertTrue(EventSchemas.errors(file, broken.get("missing required")).toString().contains("source"),
        EventSchemas.errors(file, broken.get("missing required")).toString());
    assertTrue(EventSchemas.errors(file, broken.get("extra property")).toString().contains("extra"),
        EventSchemas.errors(file, broken.get("extra property")).toString());
    // As published, the schema lets readers meet a compatible addition: an unknown field is allowed.
    assertEquals(List.of(), EventSchemas.publishedErrors(file, broken.get("extra property")));
    // Nested objects are checked too: a dead letter's alert through the $ref, an alert's context.
    String alert = "{\"schema\":\"pypiwatch.alert/1\",\"fingerprint\":\"f\",\"package\":\"pip\","
        + "\"rule\":\"spike\",\"series\":\"overall\",\"category\":\"without_mirrors\",\"date\":\"2026-04-03\","
        + "\"state\":\"boiling\",\"severity\":\"warning\",\"observed\":1.0,\"expected\":1.0,\"score\":1.0,"
        + "\"summary\":\"s\",\"link\":\"https://x\"}";
    String dlq = "{\"schema\":\"pypiwatch.notification-dlq/1\",\"receiver\":\"ops\",\"notification_id\":\"n\","
        + "\"kind\":\"alerts\",\"date\":\"2026-04-03\",\"alerts\":[" + alert + "],\"digest_lines\":0,"
        + "\"error\":\"e\",\"attempts\":1,\"time\":\"2026-04-03T03:00:31.120Z\"}";
    assertTrue(EventSchemas.errors("notification-dlq.schema.json", dlq).toString().contains("/alerts/0/state"),
        EventSchemas.errors("notification-dlq.schema.json", dlq).toString());
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new TreeSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void enumsMatchTheJavaEnums() throws IOException {
    JsonNode p = schema("download-observation.schema.json").get("properties");
    Set<String> endpoints = new TreeSet<>();
    p.get("endpoint").get("enum").forEach(e -> endpoints.add(e.asText()));
    Set<String> expected = new TreeSet<>();
    for (Endpoint e : Endpoint.values()) {
      if (e.isTimeSeries()) {
        expected.add(e.path());
      }
    }
    assertEquals(expected, endpoints);
    Set<String> origins = new TreeSet<>();
    p.get("origin").get("enum").forEach(e -> origins.add(e.asText()));
    assertEquals(Set.of(Origin.REPORTED.wire(), Origin.ZERO_FILLED.wire()), origins);
    assertFalse(origins.isEmpty());
  }
}
