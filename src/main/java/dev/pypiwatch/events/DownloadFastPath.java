package dev.pypiwatch.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;

/**
 * One pass over a download event of the usual shape (the ten fields once each, of their types,
 * valid, nothing else) straight into its record: no field map, no string for what is only compared
 * or checked. Anything else, however harmless, answers null, and {@link EventCodec}'s general
 * decoder reads the event (and names any problem, in the words it always used).
 *
 * <p>Why: every stage decodes every event of the downloads topic, and decoding was most of the rule
 * stage's time.
 */
final class DownloadFastPath {
  private static final char[] SCHEMA = EventCodec.DOWNLOAD_SCHEMA.toCharArray();
  private static final Endpoint[] SERIES =
      Arrays.stream(Endpoint.values()).filter(Endpoint::isTimeSeries).toArray(Endpoint[]::new);
  private static final char[][] SERIES_PATHS =
      Arrays.stream(SERIES).map(e -> e.path().toCharArray()).toArray(char[][]::new);
  private static final Origin[] ORIGINS = Origin.values();
  private static final char[][] ORIGIN_WIRES =
      Arrays.stream(ORIGINS).map(o -> o.wire().toCharArray()).toArray(char[][]::new);
  // One bit per field, to find a missing or repeated one.
  private static final int SCHEMA_BIT = 1;
  private static final int PACKAGE = 1 << 1;
  private static final int ENDPOINT = 1 << 2;
  private static final int CATEGORY = 1 << 3;
  private static final int DATE = 1 << 4;
  private static final int DOWNLOADS = 1 << 5;
  private static final int ORIGIN = 1 << 6;
  private static final int PREVIOUS = 1 << 7;
  private static final int FETCHED_AT = 1 << 8;
  private static final int SOURCE = 1 << 9;
  private static final int ALL = (1 << 10) - 1;

  private DownloadFastPath() {}

  /** The observation in {@code json}, or null when it is not of the usual shape. */
  static DownloadObservation observation(byte[] json) {
    Fields f = read(json, true);
    return f == null ? null : new DownloadObservation(f.record(), f.origin, f.previous, f.fetchedAt, f.source);
  }

  /** The record in {@code json} (its provenance checked, not kept), or null when it is not of the usual shape. */
  static DownloadRecord record(byte[] json) {
    Fields f = read(json, false);
    return f == null ? null : f.record();
  }

  /** The fields of one event as read. */
  private static final class Fields {
    String pkg;
    Endpoint endpoint;
    String category;
    LocalDate date;
    long downloads;
    Origin origin;
    Long previous;
    Instant fetchedAt;
    String source;

    DownloadRecord record() {
      return new DownloadRecord(pkg, endpoint, category, date, downloads);
    }
  }

  private static Fields read(byte[] json, boolean keepSource) {
    if (json == null) {
      return null;
    }
    Fields f = new Fields();
    int seen = 0;
    try (JsonParser p = EventCodec.FACTORY.createParser(json)) {
      p.disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION); // the bit mask below finds them
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        int bit = bit(p.currentName());
        if (bit < 0 || (seen & bit) != 0) {
          return null; // an unknown or repeated field
        }
        seen |= bit;
        if (!value(p, bit, f, keepSource)) {
          return null;
        }
      }
      if (seen != ALL || p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        return null;
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    if (f.origin == Origin.ZERO_FILLED && f.downloads != 0) {
      return null;
    }
    return f;
  }

  private static int bit(String name) {
    return switch (name) {
      case "schema" -> SCHEMA_BIT;
      case "package" -> PACKAGE;
      case "endpoint" -> ENDPOINT;
      case "category" -> CATEGORY;
      case "date" -> DATE;
      case "downloads" -> DOWNLOADS;
      case "origin" -> ORIGIN;
      case "previous_downloads" -> PREVIOUS;
      case "fetched_at" -> FETCHED_AT;
      case "source" -> SOURCE;
      default -> -1;
    };
  }

  /** Reads the value of the field {@code bit} into {@code f}; false if it is not of the usual shape. */
  private static boolean value(JsonParser p, int bit, Fields f, boolean keepSource) throws IOException {
    JsonToken t = p.nextToken();
    if (bit == DOWNLOADS || bit == PREVIOUS) {
      if (t == JsonToken.VALUE_NULL && bit == PREVIOUS) {
        return true; // null on a first publication
      }
      if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
        return false;
      }
      long v = p.getLongValue();
      if (bit == PREVIOUS) {
        f.previous = v;
        return true;
      }
      f.downloads = v;
      return v >= 0;
    }
    if (t != JsonToken.VALUE_STRING) {
      return false;
    }
    switch (bit) {
      case SCHEMA_BIT:
        return is(p, SCHEMA);
      case PACKAGE:
        f.pkg = p.getText();
        return true;
      case ENDPOINT:
        for (int i = 0; i < SERIES.length; i++) {
          if (is(p, SERIES_PATHS[i])) {
            f.endpoint = SERIES[i];
            return true;
          }
        }
        return false;
      case CATEGORY:
        f.category = p.getText();
        return true;
      case DATE:
        f.date = IsoTimes.date(p.getText());
        return f.date != null;
      case ORIGIN:
        for (int i = 0; i < ORIGINS.length; i++) {
          if (is(p, ORIGIN_WIRES[i])) {
            f.origin = ORIGINS[i];
            return true;
          }
        }
        return false;
      case FETCHED_AT:
        f.fetchedAt = IsoTimes.instant(p.getText());
        return f.fetchedAt != null;
      default: // source: any string, kept only for an observation
        f.source = keepSource ? p.getText() : null;
        return true;
    }
  }

  /** True if the current string value is {@code expected}, without making a String of it. */
  private static boolean is(JsonParser p, char[] expected) throws IOException {
    if (p.getTextLength() != expected.length) {
      return false;
    }
    char[] text = p.getTextCharacters();
    int offset = p.getTextOffset();
    for (int i = 0; i < expected.length; i++) {
      if (text[offset + i] != expected[i]) {
        return false;
      }
    }
    return true;
  }
}
