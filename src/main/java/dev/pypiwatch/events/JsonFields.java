package dev.pypiwatch.events;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** The scalar fields of one decoded JSON event, with typed, self-explaining accessors. */
public final class JsonFields {
  /** A value of a type no pypiwatch field has, kept to report it when the field is read. */
  record Invalid(String problem) {}

  /** A nested object, read only where a field is one (e.g. an alert's {@code context}). */
  record Nested(com.fasterxml.jackson.databind.JsonNode node) {}

  private static final String TIME_SERIES_ENDPOINTS = Arrays.stream(Endpoint.values())
      .filter(Endpoint::isTimeSeries).map(Endpoint::path).collect(Collectors.joining(", "));

  // The fields in document order, in two parallel arrays rather than a HashMap: an event has about
  // ten fields, so a scan is quicker than hashing, and decoding allocates far less (the downloads
  // topic is decoded once a record by every stage). Names are unique (the parser rejects duplicates).
  private String[] names = new String[12];
  private Object[] values = new Object[12];
  private int size;

  JsonFields() {}

  /** Adds field {@code name} (not yet present) with {@code value}. */
  void add(String name, Object value) {
    if (size == names.length) {
      names = Arrays.copyOf(names, size * 2);
      values = Arrays.copyOf(values, size * 2);
    }
    names[size] = name;
    values[size] = value;
    size++;
  }

  /** True if field {@code name} is present (null or not). */
  boolean has(String name) {
    return indexOf(name) >= 0;
  }

  private int indexOf(String name) {
    // The parser interns field names and the codecs ask with literals: identity mostly finds it.
    for (int i = 0; i < size; i++) {
      if (names[i] == name) {
        return i;
      }
    }
    for (int i = 0; i < size; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** The value of {@code name}; null when it is null or absent. */
  private Object get(String name) {
    int i = indexOf(name);
    return i < 0 ? null : values[i];
  }


  public void requireSchema(String expected) {
    String actual = string("schema");
    if (!expected.equals(actual)) {
      throw new EventDecodingException("schema", "expected '" + expected + "', got '" + actual + "'", null);
    }
  }

  /** A required, non-null string. */
  public String string(String name) {
    Object v = required(name);
    if (v instanceof String s) {
      return s;
    }
    throw wrongType(name, "a string", v);
  }

  /** A required, non-null integer. */
  public long requiredLong(String name) {
    Long v = optionalLong(name);
    if (v == null) {
      throw new EventDecodingException(name, has(name) ? "is null, expected an integer" : "is missing", null);
    }
    return v;
  }

  /** An integer that may be null or absent. */
  public Long optionalLong(String name) {
    Object v = get(name);
    if (v == null || v instanceof Long) {
      return (Long) v;
    }
    throw wrongType(name, "an integer or null", v);
  }

  /** A number (integer or not); null, or absent when {@code nullable}, is NaN. */
  public double number(String name, boolean nullable) {
    Object v = get(name);
    if (v == null && nullable) {
      return Double.NaN;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v == null) {
      throw new EventDecodingException(name, has(name) ? "is null, expected a number" : "is missing", null);
    }
    throw wrongType(name, nullable ? "a number or null" : "a number", v);
  }

  /** A string read through {@code fromWire}; its rejection names {@code expected}. */
  public <T> T wire(String name, java.util.function.Function<String, T> fromWire, String expected) {
    String s = string(name);
    try {
      return fromWire.apply(s);
    } catch (IllegalArgumentException e) {
      throw new EventDecodingException(name, "expected " + expected + ", got '" + s + "'", e);
    }
  }

  public LocalDate date(String name) {
    String s = string(name);
    LocalDate quick = IsoTimes.date(s);
    if (quick != null) {
      return quick;
    }
    try {
      return LocalDate.parse(s);
    } catch (DateTimeParseException e) {
      throw new EventDecodingException(name, "expected a date YYYY-MM-DD, got '" + s + "'", e);
    }
  }

  /** A date that may be null or absent. */
  public LocalDate optionalDate(String name) {
    return get(name) == null ? null : date(name);
  }

  public Instant instant(String name) {
    String s = string(name);
    Instant quick = IsoTimes.instant(s);
    if (quick != null) {
      return quick;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      throw new EventDecodingException(name, "expected an RFC 3339 UTC timestamp, got '" + s + "'", e);
    }
  }

  public Endpoint endpoint(String name) {
    String s = string(name);
    return Endpoint.fromPath(s).filter(Endpoint::isTimeSeries).orElseThrow(() -> new EventDecodingException(
        name, "expected one of " + TIME_SERIES_ENDPOINTS + ", got '" + s + "'", null));
  }

  public Origin origin(String name) {
    String s = string(name);
    try {
      return Origin.fromWire(s);
    } catch (IllegalArgumentException e) {
      throw new EventDecodingException(name, "expected 'reported' or 'zero-filled', got '" + s + "'", e);
    }
  }

  /** An object that may be null or absent. */
  public com.fasterxml.jackson.databind.JsonNode optionalObject(String name) {
    Object v = get(name);
    if (v == null) {
      return null;
    }
    if (v instanceof Nested n) {
      return n.node();
    }
    throw wrongType(name, "an object or null", v);
  }

  /** Runs a record constructor, reporting its validation failure as a problem of {@code field}. */
  public <T> T build(String field, Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (IllegalArgumentException e) {
      throw new EventDecodingException(field, e.getMessage(), e);
    }
  }

  private Object required(String name) {
    Object v = get(name);
    if (v == null) {
      throw new EventDecodingException(name, has(name) ? "is null" : "is missing", null);
    }
    return v;
  }

  private static EventDecodingException wrongType(String name, String expected, Object v) {
    String got = v instanceof Invalid i ? i.problem()
        : v instanceof Nested ? "got an object"
        : v instanceof String s ? "got string '" + s + "'" : "got " + v;
    return new EventDecodingException(name, "expected " + expected + ", " + got, null);
  }
}
