package dev.pypiwatch.ingest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pypiwatch.events.EventCodec;
import dev.pypiwatch.events.EventDecodingException;
import dev.pypiwatch.events.PackageName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * One package of the shared watchlist ({@value #SCHEMA}): the value of a record on the compacted
 * watchlist topic (default {@code pypiwatch.watchlist}, key = the normalized package name) that the
 * sharded pollers split between them. A tombstone (null value) removes the package.
 *
 * @param packageName the PEP 503 normalized name, also the record's key
 * @param listedBy the instance ({@code kafka.instance-id}) whose configuration listed it last
 * @param listedAt when that instance published it
 */
public record WatchlistEntry(String packageName, String listedBy, Instant listedAt) {
  /** The {@code schema} value of an entry. */
  public static final String SCHEMA = "pypiwatch.watchlist-entry/1";

  public WatchlistEntry {
    Objects.requireNonNull(packageName, "packageName");
    Objects.requireNonNull(listedBy, "listedBy");
    Objects.requireNonNull(listedAt, "listedAt");
  }

  /** The JSON (UTF-8) of this entry. */
  public byte[] encode() {
    try (ByteArrayBuilder out = new ByteArrayBuilder(128);
        JsonGenerator g = EventCodec.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("schema", SCHEMA);
      g.writeStringField("package", packageName);
      g.writeStringField("listed_by", listedBy);
      g.writeStringField("listed_at", listedAt.toString());
      g.writeEndObject();
      g.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode the watchlist entry of " + packageName, e);
    }
  }

  /**
   * The entry in {@code json}, the value of the record keyed {@code key}.
   *
   * @throws EventDecodingException naming the field and the problem (also when the package is not
   *     the normalized key)
   */
  public static WatchlistEntry decode(String key, byte[] json) {
    if (json == null) {
      throw new EventDecodingException(null, "value is null (a tombstone), expected a JSON object", null);
    }
    JsonNode root = EventCodec.jsonObject(json);
    String schema = string(root, "schema");
    if (!SCHEMA.equals(schema)) {
      throw new EventDecodingException("schema", "expected '" + SCHEMA + "', got '" + schema + "'", null);
    }
    String pkg = string(root, "package");
    if (!PackageName.isValid(pkg) || !PackageName.normalize(pkg).equals(pkg)) {
      throw new EventDecodingException("package", "expected a normalized package name, got '" + pkg + "'", null);
    }
    if (!pkg.equals(key)) {
      throw new EventDecodingException("package", "'" + pkg + "' under the key '" + key + "'", null);
    }
    String at = string(root, "listed_at");
    try {
      return new WatchlistEntry(pkg, string(root, "listed_by"), Instant.parse(at));
    } catch (DateTimeParseException e) {
      throw new EventDecodingException("listed_at", "expected an RFC 3339 UTC timestamp, got '" + at + "'", e);
    }
  }

  private static String string(JsonNode o, String name) {
    JsonNode v = o.get(name);
    if (v == null || v.isNull()) {
      throw new EventDecodingException(name, v == null ? "is missing" : "is null", null);
    }
    if (!v.isTextual()) {
      throw new EventDecodingException(name, "expected a string, got " + v, null);
    }
    return v.asText();
  }
}
