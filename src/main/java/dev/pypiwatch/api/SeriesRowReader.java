package dev.pypiwatch.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.LocalDate;

/** Reads one {@code data[i]} row of a time-series body; the hot loop of {@link ResponseParser}. */
final class SeriesRowReader {
  private SeriesRowReader() {}

  static SeriesRow read(JsonParser p, JsonToken t, int index) throws IOException {
    if (t != JsonToken.START_OBJECT) {
      throw new InvalidResponseException("data[" + index + "]",
          "expected an object, got " + Values.describe(p, t));
    }
    String category = null;
    LocalDate date = null;
    Long downloads = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      t = p.nextToken();
      switch (name) {
        case "category" -> category = readCategory(p, t, index);
        case "date" -> date = readDate(p, t, index);
        case "downloads" -> downloads = Values.readCount(p, t, path(index, "downloads"), false);
        default -> p.skipChildren();
      }
    }
    if (date == null) {
      throw new InvalidResponseException(path(index, "date"), "missing");
    }
    if (downloads == null) {
      throw new InvalidResponseException(path(index, "downloads"), "missing");
    }
    // A missing category is read like JSON null: both mean "unknown" downstream.
    return new SeriesRow(category, date, downloads);
  }

  private static String path(int index, String field) {
    return "data[" + index + "]." + field;
  }

  private static String readCategory(JsonParser p, JsonToken t, int index) throws IOException {
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    throw new InvalidResponseException(path(index, "category"),
        "expected a string or null, got " + Values.describe(p, t));
  }

  private static LocalDate readDate(JsonParser p, JsonToken t, int index) throws IOException {
    if (t == JsonToken.VALUE_STRING) {
      LocalDate date = parseIsoDate(p.getText());
      if (date != null) {
        return date;
      }
    }
    throw new InvalidResponseException(path(index, "date"),
        "expected an ISO date (YYYY-MM-DD), got " + Values.describe(p, t));
  }

  /** Strict {@code YYYY-MM-DD}, without {@code DateTimeFormatter}'s cost; null if invalid. */
  static LocalDate parseIsoDate(String s) {
    if (s.length() != 10 || s.charAt(4) != '-' || s.charAt(7) != '-') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    if (year < 0 || month < 0 || day < 0) {
      return null;
    }
    try {
      return LocalDate.of(year, month, day);
    } catch (DateTimeException e) {
      return null; // e.g. 2018-02-30
    }
  }

  private static int digits(String s, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }
}
