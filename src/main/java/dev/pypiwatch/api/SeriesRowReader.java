package dev.pypiwatch.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.LocalDate;

/**
 * Reads the {@code data[i]} rows of one time-series body; the hot loop of {@link ResponseParser}.
 * One instance per body: a body repeats a few categories and dates on thousands of rows, so each
 * is built once (from the parser's characters, without an intermediate string) and shared.
 */
final class SeriesRowReader {
  private String lastCategory;
  private final DateCache dates = new DateCache();

  SeriesRow read(JsonParser p, JsonToken t, int index) throws IOException {
    if (t != JsonToken.START_OBJECT) {
      throw new InvalidResponseException("data[" + index + "]",
          "expected an object, got " + Values.describe(p, t));
    }
    String category = null;
    LocalDate date = null;
    long downloads = 0;
    boolean hasDownloads = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      t = p.nextToken();
      switch (name) {
        case "category" -> category = readCategory(p, t, index);
        case "date" -> date = readDate(p, t, index);
        case "downloads" -> {
          downloads = readCount(p, t, index);
          hasDownloads = true;
        }
        default -> p.skipChildren();
      }
    }
    if (date == null) {
      throw new InvalidResponseException(path(index, "date"), "missing");
    }
    if (!hasDownloads) {
      throw new InvalidResponseException(path(index, "downloads"), "missing");
    }
    // A missing category is read like JSON null: both mean "unknown" downstream.
    return new SeriesRow(category, date, downloads);
  }

  private static String path(int index, String field) {
    return "data[" + index + "]." + field;
  }

  /** A non-negative count; anything else is left to {@link Values#readCount} to reject. */
  private static long readCount(JsonParser p, JsonToken t, int index) throws IOException {
    if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
      long n = p.getLongValue();
      if (n >= 0) {
        return n;
      }
    }
    return Values.readCount(p, t, path(index, "downloads"), false);
  }

  private String readCategory(JsonParser p, JsonToken t, int index) throws IOException {
    if (t == JsonToken.VALUE_STRING) {
      char[] text = p.getTextCharacters();
      int offset = p.getTextOffset();
      int length = p.getTextLength();
      if (!sameText(lastCategory, text, offset, length)) {
        lastCategory = new String(text, offset, length); // rows come grouped by category
      }
      return lastCategory;
    }
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    throw new InvalidResponseException(path(index, "category"),
        "expected a string or null, got " + Values.describe(p, t));
  }

  private static boolean sameText(String s, char[] text, int offset, int length) {
    if (s == null || s.length() != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (s.charAt(i) != text[offset + i]) {
        return false;
      }
    }
    return true;
  }

  private LocalDate readDate(JsonParser p, JsonToken t, int index) throws IOException {
    if (t == JsonToken.VALUE_STRING) {
      LocalDate date = p.getTextLength() == 10 ? dates.date(p.getTextCharacters(), p.getTextOffset()) : null;
      if (date != null) {
        return date;
      }
    }
    throw new InvalidResponseException(path(index, "date"),
        "expected an ISO date (YYYY-MM-DD), got " + Values.describe(p, t));
  }
}
