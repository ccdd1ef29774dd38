package dev.pypiwatch.events;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pypiwatch.kafka.CloudEventHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

public class AlertCodecTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  public static final Alert PIP_SPIKE = new Alert("pip/spike/overall/without_mirrors", "pip", "spike", "overall",
      "without_mirrors", LocalDate.parse("2026-04-03"), AlertState.FIRING, Severity.WARNING, 3412000.0,
      1100000.0, 7.2, "pip: 3.1x the usual downloads", Alert.linkOf("pip"));
  public static final String PIP_SPIKE_JSON = "{\"schema\":\"pypiwatch.alert/1\","
      + "\"fingerprint\":\"pip/spike/overall/without_mirrors\",\"package\":\"pip\",\"rule\":\"spike\","
      + "\"series\":\"overall\",\"category\":\"without_mirrors\",\"date\":\"2026-04-03\",\"state\":\"firing\","
      + "\"severity\":\"warning\",\"observed\":3412000.0,\"expected\":1100000.0,\"score\":7.2,"
      + "\"summary\":\"pip: 3.1x the usual downloads\",\"link\":\"https://pypistats.org/packages/pip\"}";

  @Test
  void encodesExactlyAndRoundTrips() {
    assertEquals(PIP_SPIKE_JSON, new String(AlertCodec.encode(PIP_SPIKE), UTF_8));
    assertEquals(PIP_SPIKE, AlertCodec.decode(PIP_SPIKE_JSON.getBytes(UTF_8)));
    Alert resolved = new Alert("f", "numpy", "os-shift", "system", "windows", LocalDate.parse("2026-01-31"),
        AlertState.RESOLVED, Severity.CRITICAL, 12.5, -0.25, 0, "s \"quoted\" ü", Alert.linkOf("numpy"));
    assertEquals(resolved, AlertCodec.decode(AlertCodec.encode(resolved)));
  }

  @Test
  void integerNumbersAreAcceptedAndUnknownFieldsIgnored() {
    String json = PIP_SPIKE_JSON.replace("3412000.0", "3412000").replace("\"link\"", "\"extra\":[1],\"link\"");
    assertEquals(PIP_SPIKE, AlertCodec.decode(json.getBytes(UTF_8)));
  }

  @Test
  void nonFiniteNumbersAreWrittenAsNullAndReadAsNaN() {
    Alert a = new Alert("f", "pip", "spike", "overall", "without_mirrors", LocalDate.parse("2026-04-03"),
        AlertState.FIRING, Severity.INFO, Double.NaN, 0, Double.POSITIVE_INFINITY, "s", "l");
    String json = new String(AlertCodec.encode(a), UTF_8);
    assertTrue(json.contains("\"observed\":null,\"expected\":0.0,\"score\":null"), json);
    Alert back = AlertCodec.decode(json.getBytes(UTF_8));
    assertTrue(Double.isNaN(back.observed()) && Double.isNaN(back.score()));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "\"state\":\"firing\"|\"state\":\"boiling\"|state|'firing' or 'resolved'",
    "\"severity\":\"warning\"|\"severity\":\"page\"|severity|'info', 'warning' or 'critical'",
    "\"observed\":3412000.0|\"observed\":\"lots\"|observed|expected a number or null",
    "\"score\":7.2|\"score\":true|score|true",
    "\"date\":\"2026-04-03\"|\"date\":\"3.4.2026\"|date|YYYY-MM-DD",
    "\"fingerprint\":\"pip/spike/overall/without_mirrors\",|''|fingerprint|missing",
    "\"link\":\"https://pypistats.org/packages/pip\"|\"link\":null|link|is null",
    "\"category\":\"without_mirrors\"|\"category\":{}|category|an object",
    "\"schema\":\"pypiwatch.alert/1\"|\"schema\":\"pypiwatch.download/1\"|schema|pypiwatch.alert/1",
  })
  void decodeErrorsNameFieldAndProblem(String from, String to, String field, String problem) {
    String json = PIP_SPIKE_JSON.replace(from, to);
    EventDecodingException e = assertThrows(EventDecodingException.class, () -> AlertCodec.decode(json.getBytes(UTF_8)));
    assertEquals(field, e.field(), e.getMessage());
    assertTrue(e.getMessage().contains(problem), e.getMessage());
  }

  @Test
  void malformedDocumentsHaveNoField() {
    for (String json : new String[] {"", "[1]", "{\"schema\":", "{\"a\":1,\"a\":2}"}) {
      EventDecodingException e = assertThrows(EventDecodingException.class, () -> AlertCodec.decode(json.getBytes(UTF_8)));
      assertNull(e.field(), e.getMessage());
    }
    assertThrows(EventDecodingException.class, () -> AlertCodec.decode(null));
  }

  @Test
  void schemaDescribesExactlyTheEncodedFieldsAndItsExampleDecodes() throws IOException {
    JsonNode schema;
    try (InputStream in = AlertCodecTest.class.getResourceAsStream("/schemas/alert.schema.json")) {
      schema = JSON.readTree(in);
    }
    JsonNode doc = JSON.readTree(AlertCodec.encode(PIP_SPIKE));
    JsonNode explained = JSON.readTree(AlertCodec.encode(PIP_SPIKE_EXPLAINED));
    assertEquals(names(schema.get("properties")), names(explained));
    assertEquals(names(schema.get("properties").get("context").get("properties")), names(explained.get("context")));
    assertEquals(names(schema.get("properties").get("context").get("properties").get("release").get("properties")),
        names(explained.get("context").get("release")));
    Set<String> required = new TreeSet<>();
    schema.get("required").forEach(n -> required.add(n.asText()));
    assertEquals(names(doc), required, "everything but the context is required");
    for (String e : new String[] {"state", "severity", "series"}) {
      Set<String> allowed = new TreeSet<>();
      schema.get("properties").get(e).get("enum").forEach(n -> allowed.add(n.asText()));
      assertTrue(allowed.contains(doc.get(e).asText()), e);
    }
    Alert example = AlertCodec.decode(JSON.writeValueAsBytes(schema.get("examples").get(0)));
    assertEquals("pip/spike/overall/without_mirrors", example.fingerprint());
    assertEquals(AlertState.FIRING, example.state());
    assertEquals("Friday", example.context().weekday());
  }

  static final Alert PIP_SPIKE_EXPLAINED = PIP_SPIKE.withContext(new AlertContext(-0.04, 0.125, 2000L,
      "about 1 day in 2,000 for this package", "Friday", "easter",
      new Release("24.1", Instant.parse("2026-04-02T14:03:11Z"))));

  @Test
  void contextIsOptionalAndRoundTrips() {
    String json = new String(AlertCodec.encode(PIP_SPIKE_EXPLAINED), UTF_8);
    assertEquals(PIP_SPIKE_JSON.substring(0, PIP_SPIKE_JSON.length() - 1) + ",\"context\":{"
        + "\"ecosystem_change\":-0.04,\"mirror_share\":0.125,\"one_day_in\":2000,"
        + "\"unusual\":\"about 1 day in 2,000 for this package\",\"weekday\":\"Friday\",\"holiday\":\"easter\","
        + "\"release\":{\"version\":\"24.1\",\"uploaded\":\"2026-04-02T14:03:11Z\"}}}", json);
    assertEquals(PIP_SPIKE_EXPLAINED, AlertCodec.decode(json.getBytes(UTF_8)));
    AlertContext unknown = new AlertContext(null, null, null, null, "Sunday", null, null);
    Alert sparse = PIP_SPIKE.withContext(unknown);
    assertEquals(sparse, AlertCodec.decode(AlertCodec.encode(sparse)));
    // a reader of an older or newer writer: missing context fields read null
    String older = PIP_SPIKE_JSON.replace("\"link\"", "\"context\":{\"weekday\":\"Sunday\"},\"link\"");
    assertEquals(sparse, AlertCodec.decode(older.getBytes(UTF_8)));
    assertNull(AlertCodec.decode(PIP_SPIKE_JSON.getBytes(UTF_8)).context());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "\"context\":[]|context|an object or null",
    "\"context\":{\"mirror_share\":\"x\"}|context.mirror_share|a number or null",
    "\"context\":{\"one_day_in\":2.5}|context.one_day_in|an integer or null",
    "\"context\":{\"weekday\":1}|context.weekday|a string or null",
    "\"context\":{\"release\":{\"version\":\"1\"}}|context.release|needs version and uploaded",
    "\"context\":{\"release\":{\"version\":\"1\",\"uploaded\":\"yesterday\"}}|context.release.uploaded|RFC 3339",
  })
  void contextErrorsNameTheField(String context, String field, String problem) {
    String json = PIP_SPIKE_JSON.replace("\"link\"", context + ",\"link\"");
    EventDecodingException e = assertThrows(EventDecodingException.class, () -> AlertCodec.decode(json.getBytes(UTF_8)));
    assertEquals(field, e.field(), e.getMessage());
    assertTrue(e.getMessage().contains(problem), e.getMessage());
  }

  @Test
  void cloudEventHeadersAreDerivedFromTheTransition() {
    Headers h = CloudEventHeaders.forAlert(PIP_SPIKE);
    assertEquals("1.0", CloudEventHeaders.text(h, CloudEventHeaders.SPECVERSION));
    assertEquals("dev.pypiwatch.alert.v1", CloudEventHeaders.text(h, CloudEventHeaders.TYPE));
    assertEquals("/pypiwatch/rules", CloudEventHeaders.text(h, CloudEventHeaders.SOURCE));
    assertEquals("pip", CloudEventHeaders.text(h, CloudEventHeaders.SUBJECT));
    assertEquals("2026-04-03T00:00:00Z", CloudEventHeaders.text(h, CloudEventHeaders.TIME));
    assertEquals("application/json", CloudEventHeaders.text(h, CloudEventHeaders.CONTENT_TYPE));
    // uuid5(NS, "alert|pip/spike/overall/without_mirrors|firing|2026-04-03"), as in docs/events.md
    assertEquals("6db4146c-c6cc-55cd-9767-f8fc18b164a0", CloudEventHeaders.text(h, CloudEventHeaders.ID));
    Alert sameButOtherEvidence = new Alert(PIP_SPIKE.fingerprint(), "pip", "spike", "overall", "without_mirrors",
        PIP_SPIKE.date(), AlertState.FIRING, Severity.CRITICAL, 1, 2, 3, "other", "l");
    assertEquals(Ids.alertId(PIP_SPIKE), Ids.alertId(sameButOtherEvidence));
    Alert resolved = new Alert(PIP_SPIKE.fingerprint(), "pip", "spike", "overall", "without_mirrors",
        PIP_SPIKE.date(), AlertState.RESOLVED, Severity.WARNING, 1, 2, 3, "s", "l");
    assertNotEquals(Ids.alertId(PIP_SPIKE), Ids.alertId(resolved));
  }

  private static Set<String> names(JsonNode node) {
    Set<String> names = new TreeSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
