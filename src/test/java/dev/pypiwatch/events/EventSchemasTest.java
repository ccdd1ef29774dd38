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
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The JSON Schemas match what {@link EventCodec} writes. No schema validator is on the classpath,
 * so a small one checks the keywords the schemas use (type, const, enum, pattern, minimum,
 * minLength, required).
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
      assertEquals(List.of(), validate(s, doc));
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
      assertEquals(List.of(), validate(s, doc));
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
      assertEquals(List.of(), validate(s, doc));
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
    JsonNode alert = schema("alert.schema.json");
    JsonNode doc = JSON.readTree(NotificationCodec.encodeDeadLetter(NotificationCodecTest.notification(), "HTTP 404",
        1, Instant.parse("2026-04-03T03:00:31Z")));
    assertEquals(fieldNames(s.get("properties")), fieldNames(doc));
    assertEquals(List.of(), validate(s, doc));
    assertEquals(2, doc.get("alerts").size());
    for (JsonNode a : doc.get("alerts")) {
      assertEquals(List.of(), validate(alert, a));
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
      assertEquals(List.of(), validate(s, doc));
      assertEquals(silence, SilenceCodec.decode(SilenceCodec.encode(silence)), "round trip");
    }
    assertEquals(timed, SilenceCodec.decode(JSON.writeValueAsBytes(s.get("examples").get(0))));
  }

  @Test
  void miniValidatorCatchesViolations() throws IOException {
    JsonNode s = schema("download-observation.schema.json");
    String bad = "{\"schema\":\"x\",\"package\":\"Pip\",\"endpoint\":\"recent\",\"category\":\"\","
        + "\"date\":\"1.4.2026\",\"downloads\":-1,\"origin\":\"guess\",\"previous_downloads\":\"1\"}";
    List<String> errors = validate(s, JSON.readTree(bad));
    for (String f : List.of("schema", "package", "endpoint", "category", "date", "downloads", "origin",
        "previous_downloads", "fetched_at", "source")) {
      assertTrue(errors.stream().anyMatch(e -> e.startsWith(f + ":")), f + " in " + errors);
    }
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new TreeSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<String> validate(JsonNode schema, JsonNode doc) {
    List<String> errors = new ArrayList<>();
    schema.get("required").forEach(r -> {
      if (!doc.has(r.asText())) {
        errors.add(r.asText() + ": missing");
      }
    });
    for (Iterator<Map.Entry<String, JsonNode>> it = schema.get("properties").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      if (doc.has(p.getKey())) {
        check(p.getKey(), p.getValue(), doc.get(p.getKey()), errors);
      }
    }
    return errors;
  }

  private static void check(String name, JsonNode rule, JsonNode v, List<String> errors) {
    if (rule.has("type") && !typeMatches(rule.get("type"), v)) {
      errors.add(name + ": type " + rule.get("type") + " vs " + v);
    }
    if (rule.has("const") && !rule.get("const").equals(v)) {
      errors.add(name + ": const " + rule.get("const") + " vs " + v);
    }
    if (rule.has("enum") && !contains(rule.get("enum"), v)) {
      errors.add(name + ": enum " + rule.get("enum") + " vs " + v);
    }
    if (v.isTextual() && rule.has("pattern") && !v.asText().matches(rule.get("pattern").asText())) {
      errors.add(name + ": pattern " + rule.get("pattern") + " vs " + v);
    }
    if (v.isTextual() && rule.has("minLength") && v.asText().length() < rule.get("minLength").asInt()) {
      errors.add(name + ": minLength vs " + v);
    }
    if (v.isNumber() && rule.has("minimum") && v.asLong() < rule.get("minimum").asLong()) {
      errors.add(name + ": minimum vs " + v);
    }
  }

  private static boolean typeMatches(JsonNode type, JsonNode v) {
    if (type.isArray()) {
      for (JsonNode t : type) {
        if (typeMatches(t, v)) {
          return true;
        }
      }
      return false;
    }
    return switch (type.asText()) {
      case "string" -> v.isTextual();
      case "integer" -> v.isIntegralNumber();
      case "null" -> v.isNull();
      case "number" -> v.isNumber();
      case "array" -> v.isArray();
      case "object" -> v.isObject();
      default -> false;
    };
  }

  private static boolean contains(JsonNode array, JsonNode v) {
    for (JsonNode e : array) {
      if (e.equals(v)) {
        return true;
      }
    }
    return false;
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
