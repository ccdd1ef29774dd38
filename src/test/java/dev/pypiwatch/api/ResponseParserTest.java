package dev.pypiwatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pypiwatch.testing.Fixtures;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ResponseParserTest {

  static List<String> systemFixtures() {
    return Fixtures.names("_system.json");
  }

  @ParameterizedTest
  @MethodSource("systemFixtures")
  void parsesEveryRealSystemBody(String name) {
    SeriesResponse r = ResponseParser.parseSeries(Fixtures.text(name));
    assertEquals(name.substring(0, name.length() - "_system.json".length()), r.packageName());
    assertEquals("system_downloads", r.type());
    assertFalse(r.rows().isEmpty());
    assertTrue(r.rows().stream().allMatch(row -> row.downloads() >= 0 && row.date() != null));
  }

  @Test
  void thereAreFortyOneSystemFixtures() {
    assertEquals(41, systemFixtures().size());
  }

  @Test
  void parsesRealRecentBodies() {
    RecentResponse pip = ResponseParser.parseRecent(Fixtures.text("pip_recent.json"));
    assertEquals(new RecentResponse("pip", "recent_downloads", 2295765L, 15706750L, 67759913L),
        pip);
    RecentResponse day = ResponseParser.parseRecent(Fixtures.text("pip_recent_period-day.json"));
    assertEquals(new RecentResponse("pip", "recent_downloads", 1956060L, null, null), day);
    for (String name : List.of("dapy_recent.json", "python-dotenv_recent.json",
        "openadapt_recent.json")) {
      assertTrue(ResponseParser.parseRecent(Fixtures.text(name)).lastMonth() > 0, name);
    }
  }

  @Test
  void keepsTheStringNullCategoryAsSent() {
    SeriesResponse r = ResponseParser.parseSeries(Fixtures.text("pip_python_minor_2018-11-01.json"));
    assertEquals(10, r.rows().size());
    assertEquals(new SeriesRow("null", LocalDate.of(2018, 11, 1), 7122), r.rows().get(9));
    assertEquals("python_minor_downloads", r.type());
  }

  @Test
  void parsesRealMajorAndOverallBodies() {
    SeriesResponse major = ResponseParser.parseSeries(Fixtures.text("pip_python_major_2018-11-01.json"));
    assertEquals(2008344 + 280299 + 7122, major.rows().stream().mapToLong(SeriesRow::downloads).sum());
    SeriesResponse overall = ResponseParser.parseSeries(
        Fixtures.text("pip_overall_2018-11-01_2018-11-02_excerpt.json"));
    assertEquals(new SeriesRow("without_mirrors", LocalDate.of(2018, 11, 2), 2297591),
        overall.rows().get(1));
  }

  @Test
  void emptyDataIsAnEmptyList() {
    for (String name : List.of("sugar_python_major_empty.json", "testbrojct_python_major_empty.json")) {
      SeriesResponse r = ResponseParser.parseSeries(Fixtures.text(name));
      assertTrue(r.rows().isEmpty());
      assertEquals("python_major_downloads", r.type());
    }
  }

  @Test
  void acceptsJsonNullCategoryUnknownFieldsAndAnyFieldOrder() {
    SeriesResponse r = ResponseParser.parseSeries("{\"extra\":{\"a\":[1,2]},\"type\":\"t\","
        + "\"data\":[{\"downloads\":5,\"new\":[true],\"date\":\"2024-02-29\",\"category\":null}],"
        + "\"package\":\"x\"}");
    assertEquals(new SeriesResponse("x", "t",
        List.of(new SeriesRow(null, LocalDate.of(2024, 2, 29), 5))), r);
  }

  @Test
  void envelopeFieldsMayBeAbsent() {
    SeriesResponse r = ResponseParser.parseSeries("{\"data\":[]}");
    assertNull(r.packageName());
    assertNull(r.type());
    RecentResponse recent = ResponseParser.parseRecent("{\"data\":{\"last_day\":null}}");
    assertEquals(new RecentResponse(null, null, null, null, null), recent);
  }

  @Test
  void acceptsTheLargestLong() {
    SeriesRow row = ResponseParser.parseSeries("{\"data\":[{\"category\":\"a\",\"date\":"
        + "\"2020-01-01\",\"downloads\":9223372036854775807}]}").rows().get(0);
    assertEquals(Long.MAX_VALUE, row.downloads());
  }

  @Test
  void readsEveryDateAndCategoryOfALongBodyWithRepeats() {
    // More distinct dates than the reader keeps, categories repeated, and dates that come again.
    StringBuilder body = new StringBuilder("{\"data\":[");
    List<SeriesRow> expected = new java.util.ArrayList<>();
    LocalDate first = LocalDate.of(2019, 12, 30);
    for (String category : List.of("3.12", "3.1", "3.12", "null")) {
      for (int d = 0; d < 1500; d += category.equals("3.1") ? 7 : 1) {
        LocalDate date = first.plusDays(d);
        body.append(expected.isEmpty() ? "" : ",").append("{\"category\":\"").append(category)
            .append("\",\"date\":\"").append(date).append("\",\"downloads\":").append(d).append('}');
        expected.add(new SeriesRow(category, date, d));
      }
    }
    assertEquals(expected, ResponseParser.parseSeries(body.append("]}").toString()).rows());
  }

  private static final String ROW0 = "{\"category\":\"Linux\",\"date\":\"2020-01-01\",\"downloads\":1}";

  /** A series body whose second row has {@code field} set to {@code json}. */
  private static String withRow1(String field, String json) {
    String row = "{\"category\":\"Linux\",\"date\":\"2020-01-02\",\"downloads\":2}"
        .replaceFirst("\"" + field + "\":(\"[^\"]*\"|\\d+)", "\"" + field + "\":" + json);
    return "{\"data\":[" + ROW0 + "," + row + "],\"package\":\"p\",\"type\":\"system_downloads\"}";
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "downloads | \"12\"     | data[1].downloads: expected a non-negative integer, got \"12\"",
      "downloads | 1.5        | data[1].downloads: expected a non-negative integer, got 1.5",
      "downloads | 2.0        | data[1].downloads: expected a non-negative integer, got 2.0",
      "downloads | true       | data[1].downloads: expected a non-negative integer, got true",
      "downloads | null       | data[1].downloads: expected a non-negative integer, got null",
      "downloads | -3         | data[1].downloads: expected a non-negative integer, got -3",
      "downloads | {}         | data[1].downloads: expected a non-negative integer, got an object",
      "downloads | 9223372036854775808 | data[1].downloads: expected a non-negative integer, "
          + "got 9223372036854775808 (out of range)",
      "date      | \"2020-13-01\" | data[1].date: expected an ISO date (YYYY-MM-DD), got \"2020-13-01\"",
      "date      | \"2019-02-29\" | data[1].date: expected an ISO date (YYYY-MM-DD), got \"2019-02-29\"",
      "date      | \"2020-1-01\"  | data[1].date: expected an ISO date (YYYY-MM-DD), got \"2020-1-01\"",
      "date      | 20200101     | data[1].date: expected an ISO date (YYYY-MM-DD), got 20200101",
      "date      | null         | data[1].date: expected an ISO date (YYYY-MM-DD), got null",
      "category  | 3            | data[1].category: expected a string or null, got 3",
      "category  | []           | data[1].category: expected a string or null, got an array",
  })
  void rejectsBadRowValuesNamingPathAndValue(String field, String json, String message) {
    InvalidResponseException e = assertThrows(InvalidResponseException.class,
        () -> ResponseParser.parseSeries(withRow1(field, json)));
    assertEquals(message, e.getMessage());
    assertEquals("data[1]." + field, e.path());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"data\":[{\"category\":\"a\",\"downloads\":1}]}  | data[0].date: missing",
      "{\"data\":[{\"category\":\"a\",\"date\":\"2020-01-01\"}]} | data[0].downloads: missing",
      "{\"data\":[" + ROW0 + ",7]}        | data[1]: expected an object, got 7",
      "{\"data\":{\"last_day\":1}}          | data: expected an array, got an object",
      "{\"data\":\"x\"}                     | data: expected an array, got \"x\"",
      "{\"package\":\"p\"}                  | data: missing",
      "[1,2]                               | $: expected a JSON object, got an array",
      "\"text\"                            | $: expected a JSON object, got \"text\"",
      "''                                  | $: empty body",
      "{\"data\":[]} {}                   | $: unexpected content after the top-level object",
      "{\"data\":[],\"package\":7}        | package: expected a string or null, got 7",
  })
  void rejectsBadStructure(String body, String message) {
    InvalidResponseException e = assertThrows(InvalidResponseException.class,
        () -> ResponseParser.parseSeries(body));
    assertEquals(message, e.getMessage());
  }

  @Test
  void reportsTruncatedJsonWithItsPath() {
    String body = Fixtures.text("llm_system.json");
    InvalidResponseException e = assertThrows(InvalidResponseException.class,
        () -> ResponseParser.parseSeries(body.substring(0, body.length() / 2)));
    assertTrue(e.getMessage().contains("truncated body"), e.getMessage());
    assertTrue(e.path().startsWith("data["), e.path());
  }

  @Test
  void reportsMalformedJsonWithLocation() {
    InvalidResponseException e = assertThrows(InvalidResponseException.class,
        () -> ResponseParser.parseSeries("{\"data\":[x]}"));
    assertTrue(e.getMessage().startsWith("data[0]: malformed JSON at line 1, column 12: Unrecognized token 'x'"),
        e.getMessage());
    InvalidResponseException html = assertThrows(InvalidResponseException.class,
        () -> ResponseParser.parseSeries("<!DOCTYPE HTML><title>429</title>"));
    assertTrue(html.getMessage().contains("malformed JSON"), html.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"data\":{\"last_day\":-1}}        | data.last_day: expected a non-negative integer or null, got -1",
      "{\"data\":{\"last_week\":\"5\"}}    | data.last_week: expected a non-negative integer or null, got \"5\"",
      "{\"data\":{\"last_month\":1.5}}     | data.last_month: expected a non-negative integer or null, got 1.5",
      "{\"data\":[]}                        | data: expected an object, got an array",
      "{\"type\":\"recent_downloads\"}     | data: missing",
  })
  void rejectsBadRecentBodies(String body, String message) {
    InvalidResponseException e = assertThrows(InvalidResponseException.class,
        () -> ResponseParser.parseRecent(body));
    assertEquals(message, e.getMessage());
  }

  @Test
  void cutsLongValuesInMessages() {
    String longText = "x".repeat(500);
    InvalidResponseException e = assertThrows(InvalidResponseException.class,
        () -> ResponseParser.parseSeries(withRow1("date", "\"" + longText + "\"")));
    assertTrue(e.getMessage().length() < 120, e.getMessage());
  }
}
