package dev.pypiwatch.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * The JSON wire format of {@link DownloadObservation} ({@value #DOWNLOAD_SCHEMA}) and
 * {@link RecentObservation} ({@value #RECENT_SCHEMA}): flat objects with snake_case keys.
 *
 * <p>Hand-written streaming code on one shared, thread-safe {@link ObjectMapper}'s factory: it is on
 * the hot path, and the wire format stays explicit rather than following the Java records. Unknown
 * fields are ignored when decoding (forward compatibility); every known field is required, with
 * {@code null} allowed only where documented in {@code docs/events.md}.
 */
public final class EventCodec {
  /** The {@code schema} value of a download observation. */
  public static final String DOWNLOAD_SCHEMA = "pypiwatch.download/1";
  /** The {@code schema} value of a recent observation. */
  public static final String RECENT_SCHEMA = "pypiwatch.recent/1";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** The one factory of pypiwatch's event codecs (the alert and notification codecs share it). */
  public static final JsonFactory FACTORY = MAPPER.getFactory()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private EventCodec() {}

  /** The JSON (UTF-8) of a download observation. */
  public static byte[] encode(DownloadObservation o) {
    DownloadRecord r = o.record();
    try (ByteArrayBuilder out = new ByteArrayBuilder(320);
        JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("schema", DOWNLOAD_SCHEMA);
      g.writeStringField("package", r.packageName());
      g.writeStringField("endpoint", r.endpoint().path());
      g.writeStringField("category", r.category());
      g.writeStringField("date", r.date().toString());
      g.writeNumberField("downloads", r.downloads());
      g.writeStringField("origin", o.origin().wire());
      writeLong(g, "previous_downloads", o.previousDownloads());
      g.writeStringField("fetched_at", o.fetchedAt().toString());
      g.writeStringField("source", o.source());
      g.writeEndObject();
      g.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode download of " + r.packageName(), e);
    }
  }

  /** The JSON (UTF-8) of a recent observation. */
  public static byte[] encode(RecentObservation o) {
    RecentDownloads r = o.recent();
    try (ByteArrayBuilder out = new ByteArrayBuilder(256);
        JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("schema", RECENT_SCHEMA);
      g.writeStringField("package", r.packageName());
      writeLong(g, "last_day", r.lastDay());
      writeLong(g, "last_week", r.lastWeek());
      writeLong(g, "last_month", r.lastMonth());
      g.writeStringField("as_of", o.asOf() == null ? null : o.asOf().toString());
      g.writeStringField("fetched_at", o.fetchedAt().toString());
      g.writeStringField("source", o.source());
      g.writeEndObject();
      g.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode recent figures of " + r.packageName(), e);
    }
  }

  private static void writeLong(JsonGenerator g, String name, Long value) throws IOException {
    if (value == null) {
      g.writeNullField(name);
    } else {
      g.writeNumberField(name, value);
    }
  }

  /** The download observation in {@code json}. */
  public static DownloadObservation decodeDownload(byte[] json) {
    DownloadObservation quick = DownloadFastPath.observation(json);
    return quick != null ? quick : decodeAnyDownload(json);
  }

  /** {@link #decodeDownload} without its fast path: the decoder of any shape, which the fast path agrees with. */
  static DownloadObservation decodeAnyDownload(byte[] json) {
    JsonFields f = parse(json);
    DownloadRecord record = record(f);
    Origin origin = f.origin("origin");
    Long previous = f.optionalLong("previous_downloads");
    Instant fetchedAt = f.instant("fetched_at");
    String source = f.string("source");
    return f.build("origin", () -> new DownloadObservation(record, origin, previous, fetchedAt, source));
  }

  /**
   * The record in a download event's {@code json}: what the rule and notify stages read. The
   * provenance fields are checked as {@link #decodeDownload} checks them, but not kept.
   */
  public static DownloadRecord decodeRecord(byte[] json) {
    DownloadRecord quick = DownloadFastPath.record(json);
    return quick != null ? quick : decodeAnyRecord(json);
  }

  /**
   * The record of a download event whose Kafka record also carries {@code compact}, its {@link
   * CompactRecord} (null if none): read from that when it reads, else from the {@code json}.
   */
  public static DownloadRecord decodeRecord(byte[] json, byte[] compact) {
    DownloadRecord quick = CompactRecord.decode(compact);
    return quick != null ? quick : decodeRecord(json);
  }

  /**
   * {@link #decodeRecord} without its fast path: the observation's decoder (which checks the
   * provenance the same way), keeping the record only. Rare: only events of another shape come here.
   */
  static DownloadRecord decodeAnyRecord(byte[] json) {
    return decodeAnyDownload(json).record();
  }

  private static DownloadRecord record(JsonFields f) {
    f.requireSchema(DOWNLOAD_SCHEMA);
    String pkg = f.string("package");
    Endpoint endpoint = f.endpoint("endpoint");
    return f.build("downloads", () -> new DownloadRecord(
        pkg, endpoint, f.string("category"), f.date("date"), f.requiredLong("downloads")));
  }

  /** The recent observation in {@code json}. */
  public static RecentObservation decodeRecent(byte[] json) {
    JsonFields f = parse(json);
    f.requireSchema(RECENT_SCHEMA);
    RecentDownloads recent = f.build("last_day/last_week/last_month", () -> new RecentDownloads(
        f.string("package"), f.optionalLong("last_day"), f.optionalLong("last_week"),
        f.optionalLong("last_month")));
    LocalDate asOf = f.optionalDate("as_of");
    return new RecentObservation(recent, asOf, f.instant("fetched_at"), f.string("source"));
  }

  /**
   * Reads a flat JSON object into field name → String, Long, Double or null (other value types are
   * kept as a marker). Shared with {@link AlertCodec}.
   */
  public static JsonFields parse(byte[] json) {
    if (json == null) {
      throw new EventDecodingException(null, "value is null (a tombstone?), expected a JSON object", null);
    }
    try {
      JsonFields fields = fields(json, false);
      if (fields != null) {
        return fields;
      }
    } catch (IOException e) {
      // reported below
    }
    // A malformed document (rare) is read again with Jackson's duplicate detector on at every
    // level, so that its problem is named in Jackson's words, at the token where Jackson sees it.
    try {
      fields(json, true);
      throw new IllegalStateException("JSON that fails once parses the second time");
    } catch (IOException e) {
      throw new EventDecodingException(null, "malformed JSON: " + getOriginalMessage(e), e);
    }
  }

  /**
   * The fields of {@code json}; null for a duplicate field of the top level when Jackson's detector
   * is off there ({@code jacksonDuplicates} false: its HashSet of the names was a fifth of the cost
   * of decoding a download event; the fields' own scan finds them instead).
   */
  private static JsonFields fields(byte[] json, boolean jacksonDuplicates) throws IOException {
    JsonFields fields = new JsonFields();
    try (JsonParser p = FACTORY.createParser(json)) {
      if (!jacksonDuplicates) {
        p.disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      }
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw new EventDecodingException(null, first == null ? "value is empty, expected a JSON object"
            : "expected a JSON object, got " + first, null);
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        if (fields.has(name)) {
          return null;
        }
        fields.add(name, readScalar(p, jacksonDuplicates));
      }
      if (p.nextToken() != null) {
        throw new EventDecodingException(null, "unexpected content after the JSON object", null);
      }
    }
    return fields;
  }

  /**
   * The one JSON object {@code json} holds, as a tree, for the small codecs read by field (silences,
   * watchlist entries).
   *
   * @throws EventDecodingException if it is malformed, not an object or followed by more content
   */
  public static JsonNode jsonObject(byte[] json) {
    JsonNode root;
    try (JsonParser p = FACTORY.createParser(json)) {
      root = p.readValueAsTree();
      if (p.nextToken() != null) {
        throw new EventDecodingException(null, "unexpected content after the JSON object", null);
      }
    } catch (JsonProcessingException e) {
      throw new EventDecodingException(null, "malformed JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new EventDecodingException(null, "malformed JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new EventDecodingException(null, "expected a JSON object", null);
    }
    return root;
  }

  /** The value after a field name; inside an object or array Jackson's duplicate detector is on. */
  private static Object readScalar(JsonParser p, boolean jacksonDuplicates) throws IOException {
    JsonToken t = p.nextToken();
    switch (t) {
      case VALUE_STRING:
        return p.getText();
      case VALUE_NULL:
        return null;
      case VALUE_NUMBER_INT:
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          return new JsonFields.Invalid("integer out of range: " + p.getText());
        }
        return p.getLongValue();
      case VALUE_NUMBER_FLOAT:
        return p.getDoubleValue();
      case START_OBJECT:
        // Kept whole: a field that is an object (an alert's context) reads it; any other field
        // reports it as not a scalar.
        p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        JsonFields.Nested nested = new JsonFields.Nested(p.readValueAsTree());
        p.configure(JsonParser.Feature.STRICT_DUPLICATE_DETECTION, jacksonDuplicates);
        return nested;
      case START_ARRAY:
        p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        p.skipChildren();
        p.configure(JsonParser.Feature.STRICT_DUPLICATE_DETECTION, jacksonDuplicates);
        return new JsonFields.Invalid("expected a scalar, got " + (t == JsonToken.START_OBJECT ? "an object" : "an array"));
      default:
        return new JsonFields.Invalid("unexpected value " + p.getText());
    }
  }

  private static String getOriginalMessage(IOException e) {
    return e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
  }
}
