package dev.pypiwatch.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The JSON Schemas of pypiwatch's events ({@code src/main/resources/schemas}), applied by a real
 * JSON Schema validator (networknt, draft 2020-12, with {@code format} asserted). Every record the
 * tests read from Kafka through {@link KafkaTesting} passes {@link #assertValid(ConsumerRecord)}.
 *
 * <p>Writers are held to a stricter form than the published schemas: {@link #errors} validates
 * against copies in which every object that lists {@code properties} allows no others. The
 * published schemas stay open because readers ignore unknown fields (a compatible addition keeps
 * {@code /1}); pypiwatch's own writers must still write exactly what the schema describes.
 */
public final class EventSchemas {
  /** Where the schemas' {@code $id}s point; resolved to the classpath, never fetched. */
  private static final String BASE = "https://pypiwatch.dev/schemas/";

  /** The schema file of each event, by its {@code schema} field. */
  public static final Map<String, String> FILES = Map.of(
      "pypiwatch.download/1", "download-observation.schema.json",
      "pypiwatch.recent/1", "recent-observation.schema.json",
      "pypiwatch.alert/1", "alert.schema.json",
      "pypiwatch.notification-sent/1", "notification-sent.schema.json",
      "pypiwatch.notification-dlq/1", "notification-dlq.schema.json",
      "pypiwatch.silence/1", "silence.schema.json",
      "pypiwatch.watchlist-entry/1", "watchlist-entry.schema.json");

  /** The {@code schema} field each {@code ce_type} goes with. */
  private static final Map<String, String> CE_TYPES = Map.of(
      "dev.pypiwatch.download.v1", "pypiwatch.download/1",
      "dev.pypiwatch.recent.v1", "pypiwatch.recent/1",
      "dev.pypiwatch.alert.v1", "pypiwatch.alert/1",
      "dev.pypiwatch.notification-dlq.v1", "pypiwatch.notification-dlq/1");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SchemaRegistry STRICT = registry(true);
  private static final SchemaRegistry PUBLISHED = registry(false);
  private static final Map<String, Schema> CACHE = new ConcurrentHashMap<>();

  private EventSchemas() {}

  /**
   * The violations of {@code json} against schema {@code file} in its strict form (no property
   * the schema does not list), e.g. {@code /downloads: integer found, string expected}; empty
   * when valid.
   */
  public static List<String> errors(String file, String json) {
    return validate(STRICT, "strict:" + file, file, json);
  }

  /** The violations of {@code json} against schema {@code file} as published (unknown properties allowed). */
  public static List<String> publishedErrors(String file, String json) {
    return validate(PUBLISHED, "published:" + file, file, json);
  }

  /**
   * Asserts that {@code r}'s value is a valid pypiwatch event: a JSON object whose {@code schema}
   * field names one of {@link #FILES}, valid against it (strictly), and whose {@code ce_type}
   * header, when present, names the same event. Records of the poller-state topic (no
   * {@code schema} field, no headers: internal) are left alone.
   */
  public static void assertValid(ConsumerRecord<String, byte[]> r) {
    String where = r.topic() + "-" + r.partition() + "@" + r.offset();
    Header ceType = r.headers().lastHeader("ce_type");
    String json = r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8);
    JsonNode doc;
    try {
      doc = json == null ? null : JSON.readTree(json);
    } catch (IOException e) {
      if (ceType != null) {
        throw new AssertionError(where + ": an event (ce_type " + text(ceType) + ") that is not JSON: " + json, e);
      }
      return; // opaque bytes: the poller's state
    }
    if (doc == null || !doc.isObject() || !doc.has("schema")) {
      if (ceType != null) {
        throw new AssertionError(where + ": an event (ce_type " + text(ceType) + ") without a schema field: " + json);
      }
      return;
    }
    String schema = doc.get("schema").asText();
    String file = FILES.get(schema);
    if (file == null) {
      throw new AssertionError(where + ": unknown schema '" + schema + "' (no file in src/main/resources/schemas)");
    }
    assertEquals(List.of(), validate(STRICT, "strict:" + file, file, doc), () -> where + " against " + file + ": " + json);
    if (ceType != null) {
      assertEquals(CE_TYPES.get(text(ceType)), schema, () -> where + ": ce_type " + text(ceType) + " with schema "
          + schema);
    }
  }

  private static String text(Header h) {
    return h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static List<String> validate(SchemaRegistry registry, String key, String file, String json) {
    try {
      return validate(registry, key, file, JSON.readTree(json));
    } catch (IOException e) {
      return List.of("not JSON: " + e.getMessage());
    }
  }

  private static List<String> validate(SchemaRegistry registry, String key, String file, JsonNode doc) {
    Schema schema = CACHE.computeIfAbsent(key, k -> registry.getSchema(SchemaLocation.of(BASE + file)));
    return schema.validate(doc).stream().map(Object::toString).toList();
  }

  private static SchemaRegistry registry(boolean strict) {
    return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, b -> b
        .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build())
        .schemas(iri -> iri.startsWith(BASE) ? read(iri.substring(BASE.length()), strict) : null));
  }

  private static String read(String file, boolean strict) {
    try (InputStream in = EventSchemas.class.getResourceAsStream("/schemas/" + file)) {
      if (in == null) {
        return null;
      }
      JsonNode schema = JSON.readTree(in);
      if (strict) {
        closeObjects(schema);
      }
      return JSON.writeValueAsString(schema);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read schema " + file, e);
    }
  }

  /**
   * Sets {@code additionalProperties: false} on every schema of {@code type} object that lists
   * {@code properties} and says nothing else about others (not on {@code if}/{@code then} parts,
   * which only constrain).
   */
  private static void closeObjects(JsonNode node) {
    if (node instanceof ObjectNode o && o.has("properties") && !o.has("additionalProperties")
        && (o.path("type").asText().equals("object") || o.path("type").toString().contains("\"object\""))) {
      o.put("additionalProperties", false);
    }
    node.forEach(EventSchemas::closeObjects);
  }
}
