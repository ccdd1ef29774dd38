package dev.pypiwatch.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import dev.pypiwatch.outbound.Excerpt;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses and validates PyPI Stats bodies with a streaming Jackson parser (no tree, no data
 * binding: it runs for every poll of every package), after {@link SeriesFastPath} for a
 * time-series body of the usual shape. Pure: no I/O, no Vert.x.
 *
 * <p>Unknown fields are skipped. Every problem is an {@link InvalidResponseException} naming the
 * JSON path and the bad value.
 */
public final class ResponseParser {
  private static final JsonFactory JSON = JsonFactory.builder().build();

  private ResponseParser() {}

  /** Parses a time-series body ({@code overall}, {@code python_major}, ...). */
  public static SeriesResponse parseSeries(byte[] body) {
    SeriesResponse usual = SeriesFastPath.series(body);
    return usual != null ? usual : parseSeriesWithJackson(body);
  }

  /** Parses a time-series body with Jackson: any body, every problem named. */
  static SeriesResponse parseSeriesWithJackson(byte[] body) {
    return parse(open(body), ResponseParser::readSeries);
  }

  /** Parses a time-series body given as text. */
  public static SeriesResponse parseSeries(String body) {
    return parseSeries(body.getBytes(StandardCharsets.UTF_8));
  }

  /** Parses a {@code /recent} body. */
  public static RecentResponse parseRecent(byte[] body) {
    return parse(open(body), ResponseParser::readRecent);
  }

  /** Parses a {@code /recent} body given as text. */
  public static RecentResponse parseRecent(String body) {
    return parseRecent(body.getBytes(StandardCharsets.UTF_8));
  }

  private interface Reader<T> {
    T read(JsonParser p) throws IOException;
  }

  /** The top-level fields besides {@code data}. */
  private static final class Envelope {
    String packageName;
    String type;
  }

  private static JsonParser open(byte[] body) {
    try {
      return JSON.createParser(body);
    } catch (IOException e) {
      // Jackson detects the encoding from the first bytes; some it names but cannot read, e.g.
      // "Unsupported UCS-4 endianness (3412)" (found by fuzzing).
      throw new InvalidResponseException("$", "unreadable text: " + Excerpt.of(e.getMessage(), 80));
    }
  }

  private static <T> T parse(JsonParser p, Reader<T> dataReader) {
    try (p) {
      return readEnvelope(p, dataReader);
    } catch (JsonEOFException e) {
      throw new InvalidResponseException(pathOf(p.getParsingContext()),
          "truncated body: unexpected end of input");
    } catch (JsonProcessingException e) {
      String where = " at line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr();
      throw new InvalidResponseException(pathOf(p.getParsingContext()),
          "malformed JSON" + where + ": " + Excerpt.of(e.getOriginalMessage(), 80));
    } catch (IOException e) {
      // Not JSON syntax but the bytes under it: Jackson guesses UTF-16/32 from the first bytes,
      // and invalid code units there are a CharConversionException (found by fuzzing).
      throw new InvalidResponseException(pathOf(p.getParsingContext()),
          "unreadable text: " + Excerpt.of(e.getMessage(), 80));
    }
  }

  private static <T> T readEnvelope(JsonParser p, Reader<T> dataReader) throws IOException {
    JsonToken t = p.nextToken();
    if (t == null) {
      throw new InvalidResponseException("$", "empty body");
    }
    if (t != JsonToken.START_OBJECT) {
      throw new InvalidResponseException("$", "expected a JSON object, got " + describe(p, t));
    }
    Envelope envelope = new Envelope();
    T data = null;
    boolean sawData = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      t = p.nextToken();
      switch (name) {
        case "data" -> {
          data = dataReader.read(p);
          sawData = true;
        }
        case "package" -> envelope.packageName = readOptionalString(p, t, "package");
        case "type" -> envelope.type = readOptionalString(p, t, "type");
        default -> p.skipChildren();
      }
    }
    if (p.nextToken() != null) {
      throw new InvalidResponseException("$", "unexpected content after the top-level object");
    }
    if (!sawData) {
      throw new InvalidResponseException("data", "missing");
    }
    return finish(data, envelope);
  }

  /** Fills in the envelope fields, which may come after {@code data} in the body. */
  @SuppressWarnings("unchecked")
  private static <T> T finish(T data, Envelope e) {
    if (data instanceof SeriesResponse s) {
      return (T) new SeriesResponse(e.packageName, e.type, s.rows());
    }
    RecentResponse r = (RecentResponse) data;
    return (T) new RecentResponse(e.packageName, e.type, r.lastDay(), r.lastWeek(), r.lastMonth());
  }

  private static SeriesResponse readSeries(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t != JsonToken.START_ARRAY) {
      throw new InvalidResponseException("data", "expected an array, got " + describe(p, t));
    }
    List<SeriesRow> rows = new ArrayList<>();
    SeriesRowReader reader = new SeriesRowReader();
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      rows.add(reader.read(p, t, rows.size()));
    }
    return new SeriesResponse(null, null, rows);
  }

  private static RecentResponse readRecent(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t != JsonToken.START_OBJECT) {
      throw new InvalidResponseException("data", "expected an object, got " + describe(p, t));
    }
    Long day = null;
    Long week = null;
    Long month = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      t = p.nextToken();
      switch (name) {
        case "last_day" -> day = Values.readCount(p, t, "data.last_day", true);
        case "last_week" -> week = Values.readCount(p, t, "data.last_week", true);
        case "last_month" -> month = Values.readCount(p, t, "data.last_month", true);
        default -> p.skipChildren();
      }
    }
    return new RecentResponse(null, null, day, week, month);
  }

  private static String readOptionalString(JsonParser p, JsonToken t, String path)
      throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_STRING) {
      throw new InvalidResponseException(path, "expected a string or null, got " + describe(p, t));
    }
    return p.getText();
  }

  static String describe(JsonParser p, JsonToken t) throws IOException {
    return Values.describe(p, t);
  }

  /** The path of a parser context in this class's notation, e.g. {@code data[3].date}. */
  static String pathOf(JsonStreamContext context) {
    StringBuilder sb = new StringBuilder();
    appendPath(sb, context);
    return sb.length() == 0 ? "$" : sb.toString();
  }

  private static void appendPath(StringBuilder sb, JsonStreamContext c) {
    if (c == null || c.inRoot()) {
      return;
    }
    appendPath(sb, c.getParent());
    if (c.inArray()) {
      sb.append('[').append(Math.max(c.getCurrentIndex(), 0)).append(']');
    } else if (c.getCurrentName() != null) {
      if (sb.length() > 0) {
        sb.append('.');
      }
      sb.append(c.getCurrentName());
    }
  }
}
