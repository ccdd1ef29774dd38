package dev.pypiwatch.events;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON wire format of a {@link Silence} ({@value #SILENCE_SCHEMA}): the value of a record on
 * the compacted silences topic (default {@code pypistats.silences}, key = the silence's id). Same
 * rules as the other events (see {@link EventCodec}): snake_case keys, every field written ({@code
 * null} where documented), unknown fields ignored, duplicate keys rejected, each problem an {@link
 * EventDecodingException} naming the field. Only API silences are on the topic.
 */
public final class SilenceCodec {
  /** The {@code schema} value of a silence. */
  public static final String SILENCE_SCHEMA = "pypiwatch.silence/1";
  private static final List<String> MATCH_LISTS = List.of("packages", "rules", "severities", "states");

  private SilenceCodec() {}

  /** The JSON (UTF-8) of {@code s}. */
  public static byte[] encode(Silence s) {
    try (ByteArrayBuilder out = new ByteArrayBuilder(512);
        JsonGenerator g = EventCodec.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("schema", SILENCE_SCHEMA);
      g.writeStringField("id", s.id());
      g.writeObjectFieldStart("match");
      writeList(g, "packages", s.match().packages());
      writeList(g, "rules", s.match().rules());
      writeList(g, "severities", s.match().severities());
      writeList(g, "states", s.match().states());
      g.writeEndObject();
      g.writeStringField("starts_at", s.startsAt().toString());
      g.writeStringField("ends_at", s.endsAt() == null ? null : s.endsAt().toString());
      g.writeStringField("until_resolved", s.untilResolved());
      g.writeStringField("comment", s.comment());
      g.writeStringField("created_by", s.createdBy());
      g.writeStringField("created_at", s.createdAt().toString());
      g.writeEndObject();
      g.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode silence " + s.id(), e);
    }
  }

  /**
   * The silence in {@code json} (its source: the API).
   *
   * @throws EventDecodingException naming the field and the problem
   */
  public static Silence decode(byte[] json) {
    if (json == null) {
      throw new EventDecodingException(null, "value is null (a tombstone?), expected a JSON object", null);
    }
    JsonNode root = EventCodec.jsonObject(json);
    String schema = string(root, "schema");
    if (!SILENCE_SCHEMA.equals(schema)) {
      throw new EventDecodingException("schema", "expected '" + SILENCE_SCHEMA + "', got '" + schema + "'", null);
    }
    JsonNode match = root.get("match");
    if (match == null || !match.isObject()) {
      throw new EventDecodingException("match", match == null ? "is missing" : "expected an object", null);
    }
    List<List<String>> lists = new ArrayList<>();
    for (String name : MATCH_LISTS) {
      lists.add(list(match, name));
    }
    AlertMatcher matcher = new AlertMatcher(lists.get(0), lists.get(1), lists.get(2), lists.get(3));
    String untilResolved = optionalString(root, "until_resolved");
    Instant endsAt = optionalString(root, "ends_at") == null ? null : instant(root, "ends_at");
    try {
      return new Silence(string(root, "id"), matcher, instant(root, "starts_at"), endsAt, untilResolved,
          string(root, "comment"), string(root, "created_by"), instant(root, "created_at"), Silence.Source.API);
    } catch (IllegalArgumentException e) {
      throw new EventDecodingException("ends_at", e.getMessage(), e);
    }
  }

  private static void writeList(JsonGenerator g, String name, List<String> values) throws IOException {
    g.writeArrayFieldStart(name);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  private static String string(JsonNode o, String name) {
    String s = optionalString(o, name);
    if (s == null) {
      throw new EventDecodingException(name, o.has(name) ? "is null" : "is missing", null);
    }
    return s;
  }

  private static String optionalString(JsonNode o, String name) {
    JsonNode v = o.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new EventDecodingException(name, "expected a string, got " + v, null);
    }
    return v.asText();
  }

  private static Instant instant(JsonNode o, String name) {
    String s = string(o, name);
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      throw new EventDecodingException(name, "expected an RFC 3339 UTC timestamp, got '" + s + "'", e);
    }
  }

  private static List<String> list(JsonNode match, String name) {
    String field = "match." + name;
    JsonNode v = match.get(name);
    if (v == null || !v.isArray()) {
      throw new EventDecodingException(field, v == null ? "is missing" : "expected an array of strings", null);
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : v) {
      if (!item.isTextual()) {
        throw new EventDecodingException(field, "expected an array of strings, got " + item, null);
      }
      out.add(item.asText());
    }
    return out;
  }
}
