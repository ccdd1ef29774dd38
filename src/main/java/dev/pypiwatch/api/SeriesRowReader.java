package dev.pypiwatch.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.LocalDate;

/**
 * Reads the {@code data[i]} rows of one time-series body; the hot loop of {@link ResponseParser}.
 * One instance per body: a body repeats a few categories and dates on thousands of rows, so each
 * is built once (from the parser's characters, without an intermediate string) and shared.
 */
final class SeriesRowReader {
  /** Distinct dates remembered per body (a body spans about 181 days). */
  private static final int DATE_SLOTS = 1024;

  private String lastCategory;
  private final int[] dateKeys = new int[DATE_SLOTS];
  private final LocalDate[] dates = new LocalDate[DATE_SLOTS];
  private int datesKept;

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
      LocalDate date = date(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
      if (date != null) {
        return date;
      }
    }
    throw new InvalidResponseException(path(index, "date"),
        "expected an ISO date (YYYY-MM-DD), got " + Values.describe(p, t));
  }

  /** Strict {@code YYYY-MM-DD}, without {@code DateTimeFormatter}'s cost; null if invalid. */
  private LocalDate date(char[] s, int offset, int length) {
    if (length != 10 || s[offset + 4] != '-' || s[offset + 7] != '-') {
      return null;
    }
    int year = digits(s, offset, 4);
    int month = digits(s, offset + 5, 2);
    int day = digits(s, offset + 8, 2);
    if (year < 0 || month < 0 || day < 0) {
      return null;
    }
    int key = (year * 100 + month) * 100 + day;
    int slot = (key * 0x9E3779B1 >>> 22) & (DATE_SLOTS - 1);
    while (dates[slot] != null) {
      if (dateKeys[slot] == key) {
        return dates[slot];
      }
      slot = (slot + 1) & (DATE_SLOTS - 1);
    }
    LocalDate date;
    try {
      date = LocalDate.of(year, month, day);
    } catch (DateTimeException e) {
      return null; // e.g. 2018-02-30
    }
    if (datesKept < DATE_SLOTS / 2) { // beyond that, build each one: probing would get long
      dateKeys[slot] = key;
      dates[slot] = date;
      datesKept++;
    }
    return date;
  }

  private static int digits(char[] s, int from, int count) {
    int n = 0;
    for (int i = from; i < from + count; i++) {
      char c = s[i];
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }
}
