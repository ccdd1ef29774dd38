package dev.pypiwatch.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pypiwatch.rules.Alert;
import dev.pypiwatch.rules.AlertState;
import dev.pypiwatch.rules.Severity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The rule verticle's interim wire format of an {@link Alert} ({@value #SCHEMA}): a flat JSON
 * object with snake_case keys, key = fingerprint, CloudEvents headers. TEMPORARY: the shared
 * {@code AlertCodec} / {@code CloudEventHeaders.forAlert} replace it at merge; {@link #record} and
 * {@link #decode} are its only entry points.
 */
public final class AlertWire {
  /** The {@code schema} value of an alert transition. */
  public static final String SCHEMA = "pypiwatch.alert/1";
  /** {@code ce_type} of an alert transition. */
  public static final String TYPE = "dev.pypiwatch.alert.v1";
  /** {@code ce_source} of alerts. */
  public static final String SOURCE = "/pypiwatch/rules";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private AlertWire() {}

  /** The record of {@code alert} on {@code topic}: key = fingerprint, JSON value, CloudEvents headers. */
  public static ProducerRecord<String, byte[]> record(String topic, Alert alert) {
    return new ProducerRecord<>(topic, null, alert.fingerprint(), encode(alert), headers(alert));
  }

  static byte[] encode(Alert a) {
    ObjectNode n = MAPPER.createObjectNode()
        .put("schema", SCHEMA)
        .put("fingerprint", a.fingerprint())
        .put("package", a.packageName())
        .put("rule", a.rule())
        .put("series", a.series())
        .put("category", a.category())
        .put("date", a.date().toString())
        .put("state", a.state().wire())
        .put("severity", a.severity().wire());
    number(n, "observed", a.observed());
    number(n, "expected", a.expected());
    number(n, "score", a.score());
    n.put("summary", a.summary()).put("link", a.link());
    try {
      return MAPPER.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode alert " + a.fingerprint(), e);
    }
  }

  // JSON has no NaN or infinity: a non-finite figure is written as null.
  private static void number(ObjectNode n, String key, double v) {
    if (Double.isFinite(v)) {
      n.put(key, v);
    } else {
      n.putNull(key);
    }
  }

  /**
   * The alert in {@code json}.
   *
   * @throws EventDecodingException if it is not a {@value #SCHEMA} object with every field
   */
  public static Alert decode(byte[] json) {
    JsonNode n;
    try {
      n = json == null ? null : MAPPER.readTree(json);
    } catch (IOException e) {
      throw new EventDecodingException(null, "not JSON: " + e.getMessage(), e);
    }
    if (n == null || !n.isObject()) {
      throw new EventDecodingException(null, "expected a JSON object", null);
    }
    if (!SCHEMA.equals(n.path("schema").asText(null))) {
      throw new EventDecodingException("schema", "expected " + SCHEMA, null);
    }
    try {
      return new Alert(text(n, "fingerprint"), text(n, "package"), text(n, "rule"), text(n, "series"),
          text(n, "category"), LocalDate.parse(text(n, "date")), AlertState.fromWire(text(n, "state")),
          Severity.fromWire(text(n, "severity")), figure(n, "observed"), figure(n, "expected"),
          figure(n, "score"), text(n, "summary"), text(n, "link"));
    } catch (RuntimeException e) {
      throw e instanceof EventDecodingException ede ? ede
          : new EventDecodingException(null, "invalid alert: " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode n, String key) {
    JsonNode v = n.get(key);
    if (v == null || !v.isTextual()) {
      throw new EventDecodingException(key, "missing or not a string", null);
    }
    return v.asText();
  }

  private static double figure(JsonNode n, String key) {
    JsonNode v = n.get(key);
    if (v == null || !(v.isNumber() || v.isNull())) {
      throw new EventDecodingException(key, "missing or not a number", null);
    }
    return v.isNull() ? Double.NaN : v.asDouble();
  }

  private static Headers headers(Alert a) {
    RecordHeaders h = new RecordHeaders();
    String id = CloudEventHeaders.uuid5("alert|" + a.fingerprint() + '|' + a.state().wire() + '|' + a.date())
        .toString();
    h.add(CloudEventHeaders.SPECVERSION, bytes("1.0"));
    h.add(CloudEventHeaders.ID, bytes(id));
    h.add(CloudEventHeaders.SOURCE, bytes(SOURCE));
    h.add(CloudEventHeaders.TYPE, bytes(TYPE));
    h.add(CloudEventHeaders.SUBJECT, bytes(a.packageName()));
    h.add(CloudEventHeaders.CONTENT_TYPE, bytes(CloudEventHeaders.JSON));
    return h;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
